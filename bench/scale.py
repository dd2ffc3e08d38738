"""What the scale benchmarks share: SQL helpers for loading a data set by generated SQL,
the pages to measure (``Page``, ``list_pages``, ``detail``), measuring them against the
raw SQL of the same answer, and the report.

A benchmark (``registers_scale.py``, ``feedback_scale.py``) declares its data set's
loaders, its ``PAGES`` and its ``NOT_MEASURED`` pages, and calls ``main``. Each page's
raw SQL and URL argument read the benchmark's own picks (the records found after
loading), passed through here untouched.

Past 500 lines because it is the whole measuring harness that both benchmarks share;
split, the pieces would only be imported together.
"""

import argparse
import itertools
import math
import os
import re
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    teardown_databases,
)
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import User  # noqa: E402
from core.pages import PAGE_SIZE  # noqa: E402

SMOKE_SCALE = 0.002
RUNS = 7
MB = 1024 * 1024

# Targets (ms). A list page meets the larger of twice its raw SQL and LIST_FLOOR_MS.
LIST_FLOOR_MS = 150
SEARCH_MS = 300
DETAIL_MS = 100
HOME_MS = 100
PEAK_MEMORY_MB = 20

# The URL namespaces a later benchmark measures; registers_scale.py measures the rest.
NAMESPACES = {
    "feedback_scale": ("feedback:", "feedback_public:"),
    "surveys_scale": ("surveys:", "surveys_public:"),
}

Statement = tuple[str, Sequence[Any]]
LIST, SEARCH, DETAIL, HOME = "list", "search", "detail", "home"


def fill(template: str, **parts: str) -> str:
    """Return an SQL template with its parts put in.

    Every template and part is built in this module from constants and numbers; no
    value from outside it reaches SQL text (values go as parameters).
    """
    # Each part is this module's constant or a number it computed.
    return template.format(**parts)  # nosec B608


def lit(value: object) -> str:
    """Return a constant of this module as an SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def pick(expr: str, values: Sequence[object]) -> str:
    """Return an SQL expression choosing among ``values`` by ``expr`` modulo their count."""
    arms = " ".join(f"WHEN {i} THEN {lit(value)}" for i, value in enumerate(values))
    return f"CASE ({expr}) % {len(values)} {arms} END"


def words(text: str) -> list[str]:
    """Return the words of a line: a word list reads better as a sentence than as a
    list literal, which takes a line per word."""
    return text.split()


class Dialect:
    """The few SQL fragments that PostgreSQL and SQLite write differently."""

    def __init__(self, now: datetime) -> None:
        self.pg = connection.vendor == "postgresql"
        self.now = now
        self.today = timezone.localdate(now).isoformat()

    def numbers(self, count: int) -> str:
        """Return a row source of ``n`` from 1 to ``count``, named ``s``."""
        if self.pg:
            return f"generate_series(1, {count}) AS s(n)"
        # A count of this module's sizes.
        return f"(SELECT n FROM bench_n WHERE n <= {count}) AS s"  # nosec B608

    def per_customer(self) -> str:
        """Return the join that makes ``bench_counts b`` one row per contact (``k.n``)."""
        if self.pg:
            return "CROSS JOIN LATERAL generate_series(1, b.cnt) AS k(n)"
        return "JOIN bench_n k ON k.n <= b.cnt"

    def hours_ago(self, expr: str) -> str:
        if self.pg:
            hours = f"CAST({expr} AS integer) * INTERVAL '1 hour'"
            return f"(TIMESTAMPTZ '{self.now.isoformat()}' - {hours})"
        return f"datetime('{self.now:%Y-%m-%d %H:%M:%S}', '-' || ({expr}) || ' hours')"

    def day(self, expr: str, since: str = "") -> str:
        """Return the date ``expr`` days after ``since`` (a date column; today if empty)."""
        if self.pg:
            return f"({since or f'DATE {lit(self.today)}'} + CAST({expr} AS integer))"
        return f"date({since or lit(self.today)}, ({expr}) || ' days')"

    def count_to(self, top: int) -> None:
        """Make ``numbers`` count up to ``top``: on SQLite, fill its numbers table."""
        if self.pg:
            return
        run("CREATE TEMPORARY TABLE IF NOT EXISTS bench_n (n integer PRIMARY KEY)")
        have = scalar("SELECT coalesce(max(n), 0) FROM bench_n")
        if top > have:
            run(
                fill(
                    "WITH RECURSIVE s(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM s"
                    " WHERE n < {top}) INSERT INTO bench_n SELECT n FROM s",
                    first=str(have + 1),
                    top=str(top),
                )
            )

    def analyze(self) -> None:
        """Give PostgreSQL the statistics of the rows loaded so far, so that the next
        statements that join them are planned for their size (autovacuum would, later)."""
        if self.pg:
            run("ANALYZE")


def run(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def insert_select(table: str, columns: dict[str, str], source: str) -> None:
    """Insert into ``table`` one row per row of ``source``, each column from its expression."""
    run(
        fill(
            "INSERT INTO {table} ({columns}) SELECT {values} FROM {source}",
            table=table,
            columns=", ".join(columns),
            values=", ".join(columns.values()),
            source=source,
        )
    )


def unset(f: Any, now: str) -> str:
    """Return the SQL value a form leaves in a field it does not fill: NULL where the
    column takes it, else the field's default, "" or 0."""
    if f.null:
        return "NULL"
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        default = f.get_default()
        if isinstance(default, list | dict):
            return "'[]'" if isinstance(default, list) else "'{}'"
        return now if isinstance(default, datetime) else lit(default)
    if isinstance(f, models.BooleanField):
        return "FALSE"
    return "0" if isinstance(f, models.IntegerField) else "''"


def insert_model(model: type[models.Model], values: dict[str, str], source: str) -> None:
    """Insert into the model's table one row per row of ``source``: each column from
    ``values`` (SQL expressions by column name), the others as a form would leave them
    (``unset``), the id from the table's sequence unless ``values`` gives it."""
    now = lit(timezone.now().isoformat())
    columns = {
        f.column: values[f.column] if f.column in values else unset(f, now)
        for f in model._meta.concrete_fields
        if f.column in values or not f.primary_key
    }
    unknown = set(values) - set(columns)
    if unknown:
        raise SystemExit(f"{model._meta.db_table} has no column {', '.join(sorted(unknown))}")
    insert_select(model._meta.db_table, columns, source)


HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
    "history_actor",
}


def write_history(tracked: Sequence[Any], user: int) -> None:
    """Write the creation row of every record's history, as a save would, by ``user``:
    the detail pages read it."""
    for model in tracked:
        historical = model.history.model
        columns = [f.column for f in historical._meta.fields if f.column not in HISTORY_OWN]
        insert_select(
            historical._meta.db_table,
            {
                **{column: column for column in columns},
                "history_date": "created_at",
                "history_type": "'+'",
                "history_user_id": str(user),
                "history_actor": "''",
            },
            model._meta.db_table,
        )


def reset_sequences(app_models: Sequence[type[models.Model]]) -> None:
    """Rows were given their ids: move each table's id sequence past them."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(app_models)):
            cursor.execute(statement)


def scalar(statement: str, params: Sequence[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None or row[0] is None:
        raise SystemExit(f"the data set has no row for: {statement}")
    return row[0]


@dataclass(frozen=True)
class ListSql:
    """The raw SQL of a list: the count and one page of rows, with the list's own
    condition (``where``) and order; ``{where}`` and ``{order}`` take a variant's."""

    count: str
    rows: str
    where: str
    order: str


@dataclass(frozen=True)
class Page:
    """A page to measure: its URL, its target and the raw SQL of the same answer."""

    label: str
    url_name: str
    target: str
    raw: Callable[[Any], list[Statement]]
    query: str = ""
    # The URL's argument: a record's id, or a chooser's kind.
    pk: Callable[[Any], int | str] | None = None
    # A list's far page: page 1000, or the last where the list has fewer. Its number
    # is found at run time, from this SQL's count of the list's rows.
    far: ListSql | None = None
    # Who requests it (a user's id); the benchmark's measurer when None.
    user: Callable[[Any], int] | None = None


def with_picks(text: str, picks: Any) -> str:
    """Return a query or parameter with the picks it names put in: "?customer={customer}"
    becomes "?customer=1" when ``picks.customer`` is 1."""
    return text.format_map(vars(picks)) if "{" in text else text


@dataclass(frozen=True)
class Variant:
    """A page of a list: its query, and the condition (added to the list's) or order
    (instead of the list's) that the raw SQL takes for the same answer."""

    query: str
    where: str = ""
    order: str = ""
    params: tuple[Any, ...] = ()
    target: str = LIST
    label: str = ""


def like(word: str) -> str:
    return f"%{word}%"


def list_pages(
    name: str, url_name: str, sql: ListSql, *variants: Variant, far: bool = True
) -> list[Page]:
    """Return a list's first page, its far page (unless ``far`` is off), then the
    variants."""
    first = [Variant("", label="first page")]
    if far:
        first.append(Variant("", label="far page"))
    pages = []
    for variant in [*first, *variants]:
        where = f"{sql.where} AND {variant.where}" if variant.where else sql.where

        def raw(
            picks: Any,
            where: str = where,
            order: str = variant.order or sql.order,
            params: tuple[Any, ...] = variant.params,
        ) -> list[Statement]:
            values = [with_picks(p, picks) if isinstance(p, str) else p for p in params]
            return [
                (fill(sql.count, where=where), values),
                (fill(sql.rows, where=where, order=order), [*values, PAGE_SIZE, 0]),
            ]

        pages.append(
            Page(
                f"{name}: {variant.label or variant.query}",
                url_name,
                variant.target,
                raw,
                query=variant.query,
                far=sql if variant.label == "far page" else None,
            )
        )
    return pages


def detail(
    label: str, url_name: str, statements: list[str], pk: Callable[[Any], int], query: str = ""
) -> Page:
    def raw(picks: Any) -> list[Statement]:
        return [(statement, [pk(picks)]) for statement in statements]

    return Page(label, url_name, DETAIL, raw, query=query, pk=pk)


def url_names() -> set[str]:
    """Return the name of every page of the URL conf, outside the Django admin."""
    names: set[str] = set()

    def walk(patterns: Sequence[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                    walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


# Measuring ------------------------------------------------------------------------


@dataclass
class Result:
    page: Page
    label: str
    url: str
    server_ms: float = 0.0
    queries: int = 0
    kb: float = 0.0
    peak_mb: float = 0.0
    raw_ms: float = 0.0
    error: str = ""
    # The warm-up's time and its queries (seconds, SQL), for --explain.
    warm_ms: float = 0.0
    captured: list[tuple[float, str]] = field(default_factory=list)

    @property
    def limit_ms(self) -> float:
        if self.page.target == LIST:
            return max(2 * self.raw_ms, LIST_FLOOR_MS)
        return {SEARCH: SEARCH_MS, DETAIL: DETAIL_MS, HOME: HOME_MS}[self.page.target]

    @property
    def missed(self) -> list[str]:
        if self.error:
            return ["error"]
        return [
            why
            for why, over in (
                ("time", self.server_ms > self.limit_ms),
                ("memory", self.peak_mb > PEAK_MEMORY_MB),
            )
            if over
        ]


def run_raw(statements: list[Statement]) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)
            cursor.fetchall()
    return time.perf_counter() - started


def far_page(sql: ListSql) -> int:
    """Return page 1000 of the list, or its last page when it has fewer."""
    total = scalar(fill(sql.count, where=sql.where))
    return max(1, min(1000, math.ceil(total / PAGE_SIZE)))


def measure(client: Client, page: Page, picks: Any, runs: int) -> Result:
    query, label = with_picks(page.query, picks), with_picks(page.label, picks)
    statements = page.raw(picks)
    if page.far is not None:
        number = far_page(page.far)
        query, label = f"?page={number}", page.label.replace("far page", f"page {number}")
        offset = (number - 1) * PAGE_SIZE
        count, (rows, params) = statements
        statements = [count, (rows, [*params[:-1], offset])]
    args = [page.pk(picks)] if page.pk else []
    url = reverse(page.url_name, args=args) + query
    result = Result(page, label, url)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # the warm-up, counting the queries
    result.warm_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        result.error = f"HTTP {response.status_code}"
        return result
    result.kb = len(response.content) / 1024
    result.queries = len(captured)
    result.captured = [(float(query["time"]), query["sql"]) for query in captured]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    result.server_ms = statistics.median(times) * 1000
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    client.get(url)
    result.peak_mb = (tracemalloc.get_traced_memory()[1] - before) / MB
    tracemalloc.stop()
    run_raw(statements)  # the warm-up
    result.raw_ms = statistics.median(run_raw(statements) for _ in range(runs)) * 1000
    return result


def explain(results: list[Result]) -> None:
    """Print, for each page that missed its target, how much of its warm-up request
    was SQL, and the plan of its slowest query (EXPLAIN ANALYZE on PostgreSQL, the
    query plan on SQLite)."""
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else ""
    for result in results:
        if not result.missed or not result.captured:
            continue
        sql_ms = sum(seconds for seconds, _ in result.captured) * 1000
        seconds, slowest = max(result.captured)
        print(
            f"\n== {result.label} ({result.url}): the warm-up took {result.warm_ms:.0f} ms,"
            f" of which SQL {sql_ms:.0f} ms in {len(result.captured)} queries;"
            f" the slowest took {seconds * 1000:.0f} ms:\n{slowest}\n"
        )
        with connection.cursor() as cursor:
            # The query the page itself ran, as the database driver sent it.
            cursor.execute((prefix or "EXPLAIN QUERY PLAN ") + slowest)
            for row in cursor.fetchall():
                print("   ", " ".join(str(cell) for cell in row))


def target_text(result: Result) -> str:
    if result.page.target == LIST:
        if result.limit_ms > LIST_FLOOR_MS:
            return f"2x raw = {result.limit_ms:.0f} ms"
        return f"{LIST_FLOOR_MS} ms"
    return f"{result.limit_ms:.0f} ms"


def report(results: list[Result]) -> None:
    header = (
        "page",
        "server ms",
        "queries",
        "KB",
        "peak MB",
        "raw SQL ms",
        "ratio",
        "target",
        "ok?",
    )
    rows = []
    for r in results:
        if r.error:
            rows.append((r.label, r.error, "", "", "", "", "", target_text(r), "NO (error)"))
            continue
        ratio = r.server_ms / r.raw_ms if r.raw_ms else float("inf")
        ok = "yes" if not r.missed else "NO (" + ", ".join(r.missed) + ")"
        rows.append(
            (
                r.label,
                f"{r.server_ms:.1f}",
                str(r.queries),
                f"{r.kb:.0f}",
                f"{r.peak_mb:.1f}",
                f"{r.raw_ms:.1f}",
                f"{ratio:.1f}",
                target_text(r),
                ok,
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        cells = [
            cell.ljust(width) if i in (0, 7, 8) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print(" | ".join(cells))
    missed = [r for r in results if r.missed]
    print(
        f"\n{len(missed)} of {len(results)} pages missed their target"
        + (": " + "; ".join(f"{r.label} ({', '.join(r.missed)})" for r in missed) if missed else "")
    )
    print(
        f"targets: lists within 2x their raw SQL or {LIST_FLOOR_MS} ms, whichever is larger; "
        f"searches {SEARCH_MS} ms; detail pages {DETAIL_MS} ms; the home page {HOME_MS} ms; "
        f"every request under {PEAK_MEMORY_MB} MB of Python memory"
    )


def main(
    description: str,
    pages: list[Page],
    not_measured: dict[str, str],
    owns: Callable[[str], bool],
    prepare: Callable[[float], tuple[Any, int]],
) -> None:
    """Parse the options, load the data set in a throwaway test database
    (``prepare(scale)`` loads it, prints what it loaded and returns the picks and the
    id of the user who measures), measure ``pages`` and print the report, then drop
    the database. ``owns`` says which URL names this benchmark answers for: those it
    neither measures nor leaves out on purpose are named at the end."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 50,000 customers")
    parser.add_argument(
        "--smoke", action="store_true", help=f"scale {SMOKE_SCALE}, one timed run, for CI"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the plan of the slowest query of each page that misses its target",
    )
    parser.add_argument(
        "--only",
        metavar="PATTERN",
        help="measure the pages whose label or URL name matches this regular expression",
    )
    args = parser.parse_args()
    scale = SMOKE_SCALE if args.smoke else args.scale
    runs = 1 if args.smoke else RUNS
    only = re.compile(args.only, re.IGNORECASE) if args.only else None
    chosen = [p for p in pages if only is None or only.search(f"{p.label} {p.url_name}")]

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        picks, measurer = prepare(scale)
        # Measured as production serves pages: no query log, no template debugging.
        settings.DEBUG = False
        engines["django"].engine.debug = False  # type: ignore[attr-defined]
        clients: dict[int, Client] = {}
        started = time.perf_counter()
        results = []
        for page in chosen:
            user = page.user(picks) if page.user else measurer
            if user not in clients:
                clients[user] = Client()
                clients[user].force_login(User.objects.get(pk=user))
            results.append(measure(clients[user], page, picks, runs))
            if not args.smoke:  # a full run takes minutes: say how far it is
                done = results[-1]
                print(f"  {done.label}: {done.server_ms:.0f} ms", file=sys.stderr, flush=True)
        print(
            f"measured {len(results)} pages in {time.perf_counter() - started:.0f} s"
            f" (server: median of {runs} after a warm-up; raw SQL: median of {runs})\n"
        )
        report(results)
        if args.explain:
            explain(results)
        names = {name for name in url_names() if owns(name)}
        uncovered = names - {p.url_name for p in pages} - set(not_measured)
        if uncovered:
            print("pages neither measured nor left out on purpose:", ", ".join(sorted(uncovered)))
    finally:
        teardown_databases(old_config, verbosity=0)


def database_version() -> str:
    database: Any = connection
    if database.vendor == "postgresql":
        return f"PostgreSQL {database.pg_version // 10000}.{database.pg_version % 10000}"
    return f"SQLite {database.Database.sqlite_version}"


def print_steps(steps: list[tuple[str, float]]) -> None:
    """Print how long the load took, and each of its steps (``steps`` starts with
    ``("start", time)``, then each step's name and when it ended)."""
    parts = ", ".join(
        f"{name} {end - start:.1f} s" for (_, start), (name, end) in itertools.pairwise(steps)
    )
    print(f"load: {steps[-1][1] - steps[0][1]:.1f} s ({parts})")
