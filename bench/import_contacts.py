"""Benchmark: import contacts from CSV, against the database's own bulk load.

Prints rows per second for the whole import (reading, checking, writing the rows and
their history in one transaction) next to the baseline measured in the same run:
PostgreSQL's COPY of the same rows into a plain table, or on SQLite an executemany
INSERT into a plain table in one transaction. The target is at least 5% of the
baseline. On PostgreSQL it also prints the database floor: the same rows and their
history written into the app's tables by one SQL statement from a staging table, with
every index and constraint checked, and nothing done in Python. That is the most any
import into these tables can reach. Each baseline is the median of three runs. Runs in
a throwaway test database.

    .venv/bin/python bench/import_contacts.py [--rows 50000] [--smoke]
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from core.models import User  # noqa: E402
from customers.models import Contact, Customer  # noqa: E402
from customers.register.imports import checks, writer  # noqa: E402

TARGET_SHARE = 0.05
HEADER = "customer,name,email,phone,language,consent,consent_on,opted_out\n"


def make_csv(rows: int, customers: int) -> str:
    lines = [HEADER]
    for n in range(rows):
        lines.append(
            f"Bench customer {n % customers:04},Person {n},person{n}@bench.example,"
            f"+91 22 {5000 + n % 4000} {1000 + n % 9000},{'hi' if n % 5 == 0 else 'en'},"
            f"{'yes' if n % 4 else 'no'},{'2026-01-15' if n % 4 else ''},no\n"
        )
    return "".join(lines)


def baseline(csv_text: str) -> float:
    """Return the median time to load the rows into a plain table, the fastest way."""
    return statistics.median(_plain_load(csv_text) for _ in range(3))


def _plain_load(csv_text: str) -> float:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            # A plain table: no index or constraint, but logged like the app's tables (a
            # TEMP table would skip the write-ahead log and flatter the baseline).
            "CREATE TABLE bench_plain (customer text, name text, email text, phone text,"
            " language text, consent text, consent_on text, opted_out text)"
        )
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            cursor.copy_expert(
                "COPY bench_plain FROM STDIN WITH (FORMAT csv, HEADER true)", io.StringIO(csv_text)
            )
        else:
            rows = [line.split(",") for line in csv_text.splitlines()[1:]]
            cursor.executemany("INSERT INTO bench_plain VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_plain")
    return elapsed


CONTACT_COLUMNS = (
    "customer_id, name, email, phone, role, language, consent, consent_on,"
    " consent_source, opted_out, opted_out_at, bounced, bounced_at, erased_at,"
    " created_at, updated_at, voided_at, void_reason, voided_by_id"
)


def database_floor(user_id: int) -> float:
    """Return the median time PostgreSQL alone takes to write the rows and history.

    The imported rows, with new emails, are staged in a temporary table; one statement
    inserts them into the contacts table and their history rows, and the deferred
    foreign-key checks run, as at commit. Rolled back each time.
    """
    times = []
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                f"CREATE TEMPORARY TABLE bench_stage AS SELECT {CONTACT_COLUMNS}"  # nosec B608
                " FROM customers_contact"
            )
            cursor.execute("UPDATE bench_stage SET email = 'floor.' || email")
            started = time.perf_counter()
            cursor.execute(
                f"WITH new AS (INSERT INTO customers_contact ({CONTACT_COLUMNS})"  # nosec B608
                f" SELECT {CONTACT_COLUMNS} FROM bench_stage RETURNING id, {CONTACT_COLUMNS})"
                f" INSERT INTO customers_historicalcontact (id, {CONTACT_COLUMNS}, history_date,"
                " history_change_reason, history_type, history_user_id, history_actor)"
                f" SELECT id, {CONTACT_COLUMNS}, now(), 'CSV import', '+', %s, '' FROM new",
                [user_id],
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            times.append(time.perf_counter() - started)
            cursor.execute("ROLLBACK")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--smoke", action="store_true", help="2,000 rows, for CI")
    args = parser.parse_args()
    rows = 2_000 if args.smoke else args.rows
    customers = max(1, min(500, rows // 100))

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        user = User.objects.create_user("bench@example.com", "bench-password")
        Customer.objects.bulk_create(
            [Customer(name=f"Bench customer {n:04}", country="IN") for n in range(customers)]
        )
        csv_text = make_csv(rows, customers)
        data = csv_text.encode()

        started = time.perf_counter()
        plan = checks.check("contacts", data)
        checked = time.perf_counter()
        if plan.errors:
            raise SystemExit(f"the generated file has errors: {plan.errors[:3]}")
        writer.apply(plan, by=user)
        finished = time.perf_counter()
        if (Contact.objects.count(), Contact.history.count()) != (rows, rows):
            raise SystemExit("the import did not write every row and its history")

        base = baseline(csv_text)
        ours = rows / (finished - started)
        theirs = rows / base
        postgresql = connection.vendor == "postgresql"
        name = "COPY" if postgresql else "executemany INSERT"
        print(f"database: {connection.vendor}; rows: {rows:,}; customers: {customers}")
        print(
            f"import: {ours:,.0f} rows/s ({finished - started:.2f} s: check "
            f"{checked - started:.2f} s, write with history {finished - checked:.2f} s)"
        )
        print(f"baseline ({name} into a plain table): {theirs:,.0f} rows/s ({base:.2f} s)")
        share = ours / theirs
        verdict = "meets" if share >= TARGET_SHARE else "BELOW"
        print(f"ratio: {share:.1%} of the baseline ({verdict} the {TARGET_SHARE:.0%} target)")
        if postgresql:
            floor = rows / database_floor(user.pk)
            print(
                f"database floor (one INSERT of the staged rows and their history into the "
                f"app's tables, constraints checked): {floor:,.0f} rows/s, "
                f"{floor / theirs:.1%} of the baseline; the import reaches {ours / floor:.0%}"
                " of it"
            )
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
