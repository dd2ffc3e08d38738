"""Benchmark: import contacts from CSV, against the database's own bulk load.

Prints rows per second for the whole import (reading, checking, writing the rows and
their history in one transaction) next to the baseline measured in the same run:
PostgreSQL's COPY of the same rows into a plain table, or on SQLite an executemany
INSERT into a plain table in one transaction. The target is at least 5% of the
baseline. Runs in a throwaway test database.

    .venv/bin/python bench/import_contacts.py [--rows 50000] [--smoke]
"""

import argparse
import io
import os
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
from customers import imports  # noqa: E402
from customers.models import Contact, Customer  # noqa: E402

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
    """Load the same rows into a plain table with the database's fastest path."""
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
        plan = imports.check("contacts", data)
        checked = time.perf_counter()
        if plan.errors:
            raise SystemExit(f"the generated file has errors: {plan.errors[:3]}")
        imports.apply(plan, by=user)
        finished = time.perf_counter()
        if (Contact.objects.count(), Contact.history.count()) != (rows, rows):
            raise SystemExit("the import did not write every row and its history")

        base = baseline(csv_text)
        ours = rows / (finished - started)
        theirs = rows / base
        name = "COPY" if connection.vendor == "postgresql" else "executemany INSERT"
        print(f"database: {connection.vendor}; rows: {rows:,}; customers: {customers}")
        print(
            f"import: {ours:,.0f} rows/s ({finished - started:.2f} s: check "
            f"{checked - started:.2f} s, write with history {finished - checked:.2f} s)"
        )
        print(f"baseline ({name} into a plain table): {theirs:,.0f} rows/s ({base:.2f} s)")
        share = ours / theirs
        verdict = "meets" if share >= TARGET_SHARE else "BELOW"
        print(f"ratio: {share:.1%} of the baseline ({verdict} the {TARGET_SHARE:.0%} target)")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
