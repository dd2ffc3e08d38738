"""Fast writes of many rows with their history rows: inserts for imports, updates for
bulk actions.

Building a model instance per row (and another per history row) costs more than the
database does at tens of thousands of rows. ``insert_with_history`` writes plain
values: on PostgreSQL through COPY into a staging table and one statement that
inserts the rows and their history; on SQLite with reserved keys and ``executemany``.
``update_with_history`` sets the same values on every row a queryset selects and
copies the history rows inside the database, in a constant number of statements.
Table and column names come from the model, never from input.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, models
from django.db.models import Max, QuerySet
from django.utils import timezone

from core.history import current_actor


def insert_with_history(
    model: type[models.Model], rows: list[dict[str, Any]], *, by: Any = None, reason: str = ""
) -> list[int]:
    """Insert many new rows and their history rows fast; return the new primary keys.

    For imports of tens of thousands of rows, where building a model instance per row
    (and another per history row) costs more than the database does. ``rows`` hold
    attribute values (``customer_id``, not ``customer``) of plain types, the same keys
    in every row; the other fields take their defaults, sent once rather than per row.
    The history rows are copied from the rows just written, inside the database. Run
    it inside a transaction. The keys come back in ascending order, not necessarily
    in the order of ``rows``.
    """
    if not rows:
        return []
    meta = model._meta
    keys = rows[0].keys()
    if any(row.keys() != keys for row in rows):
        raise ValueError("every row must have the same keys")
    fields = {f.attname: f for f in meta.concrete_fields if not f.primary_key}
    unknown = set(keys) - set(fields)
    if unknown:
        raise ValueError(f"not fields of {meta.label}: {', '.join(sorted(unknown))}")
    varying = [fields[name] for name in keys]
    now = timezone.now()
    constant = {f: _default(f, now, connection) for name, f in fields.items() if name not in keys}
    insert = Insert(
        table=meta.db_table,
        history_table=model.history.model._meta.db_table,  # type: ignore[attr-defined]
        pk=meta.pk.column,
        varying=[f.column for f in varying],
        # Each value is cast to its column's type: a bare parameter would be text.
        constant_sql=[f"CAST(%s AS {cast(Any, f).cast_db_type(connection)})" for f in constant],
        constant_columns=[f.column for f in constant],
        constant_values=list(constant.values()),
        history_values=[
            connection.ops.adapt_datetimefield_value(now),
            reason or None,
            "+",
            by.pk if by is not None else None,
            "" if by is not None else current_actor(),
        ],
    )
    names = list(keys)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return insert.postgresql(cursor, ([row[name] for name in names] for row in rows))
        adapt = {
            index: (
                connection.ops.adapt_datetimefield_value
                if isinstance(f, models.DateTimeField)
                else connection.ops.adapt_datefield_value
            )
            for index, f in enumerate(varying)
            if isinstance(f, models.DateField)
        }
        values = [[row[name] for name in names] for row in rows]
        for index, convert in adapt.items():
            for value in values:
                value[index] = convert(value[index])
        return insert.sqlite(cursor, values)


def _default(f: models.Field, now: Any, connection: Any) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        value = now
    elif f.has_default():
        value = f.get_default()
    elif f.null:
        return None
    else:
        value = ""
    return f.get_db_prep_save(value, connection)


_NULL = "\\N"
_HISTORY_COLUMNS = [
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
    "history_actor",
]


@dataclass
class Insert:
    """One fast insert of new rows and their history; table and column names come from
    the model, never from input."""

    table: str
    history_table: str
    pk: str
    varying: list[str]
    constant_sql: list[str]
    constant_columns: list[str]
    constant_values: list[Any]
    history_values: list[Any]

    def _columns(self, names: list[str]) -> str:
        return ", ".join(f'"{name}"' for name in names)

    @property
    def history_columns(self) -> str:
        return self._columns([self.pk, *self.varying, *self.constant_columns, *_HISTORY_COLUMNS])

    def postgresql(self, cursor: Any, values: Iterable[list[Any]]) -> list[int]:
        """COPY the rows into a temporary table, then insert them and their history.

        One statement writes both tables: the keys come from the table's identity
        column as the rows go in, and the history rows from what that insert returns.
        The temporary table is not in the write-ahead log, so each row is logged once.
        """
        stage = f"_stage_{self.table}"
        varying = self._columns(self.varying)
        cursor.execute(
            f'CREATE TEMPORARY TABLE "{stage}" ON COMMIT DROP AS '  # noqa: S608  # nosec B608
            f'SELECT {varying} FROM "{self.table}" WITH NO DATA'
        )
        # The csv module quotes in C; None is written as \N, the NULL marker. (A text
        # value of exactly "\N" would read as NULL and be refused by NOT NULL.)
        buffer = io.StringIO()
        csv.writer(buffer).writerows([_NULL if v is None else v for v in row] for row in values)
        buffer.seek(0)
        cursor.cursor.copy_expert(
            f"COPY \"{stage}\" ({varying}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )
        written = self._columns([*self.varying, *self.constant_columns])
        selected = ", ".join([varying, *self.constant_sql])
        cursor.execute(
            f'WITH new AS (INSERT INTO "{self.table}" ({written}) '  # noqa: S608  # nosec B608
            f'SELECT {selected} FROM "{stage}" RETURNING "{self.pk}", {written}) '
            f'INSERT INTO "{self.history_table}" ({self.history_columns}) '
            f'SELECT "{self.pk}", {written}, %s, %s, %s, %s, %s FROM new RETURNING "{self.pk}"',
            [*self.constant_values, *self.history_values],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f'DROP TABLE "{stage}"')
        return ids

    def sqlite(self, cursor: Any, values: list[list[Any]]) -> list[int]:
        """Insert with reserved keys, then copy the history rows from the new rows."""
        ids = _reserve_ids(cursor, self.table, self.pk, len(values))
        columns = [self.pk, *self.varying, *self.constant_columns]
        written = self._columns(columns)
        marks = ", ".join("?" for _ in columns)
        constants = self.constant_values
        cursor.cursor.executemany(
            f'INSERT INTO "{self.table}" ({written}) VALUES ({marks})',  # noqa: S608  # nosec B608
            [[pk, *row, *constants] for pk, row in zip(ids, values, strict=True)],
        )
        # The keys were reserved as one run under the write lock.
        cursor.execute(
            f'INSERT INTO "{self.history_table}" ({self.history_columns}) '  # noqa: S608  # nosec B608
            f'SELECT {written}, %s, %s, %s, %s, %s FROM "{self.table}" '
            f'WHERE "{self.pk}" BETWEEN %s AND %s',
            [*self.history_values, ids[0], ids[-1]],
        )
        return ids


def _reserve_ids(cursor: Any, table: str, pk: str, count: int) -> list[int]:
    # SQLite: the transaction holds the database's write lock (IMMEDIATE), so nobody
    # else can take these keys between the read and the insert. AUTOINCREMENT's own
    # counter counts too, so a key that was ever used (and its history) is never reused.
    sql = f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"'  # noqa: S608  # nosec B608
    cursor.execute(sql)
    highest = cursor.fetchone()[0]
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    sequence = cursor.fetchone()
    start = max(highest, sequence[0] if sequence else 0) + 1
    return list(range(start, start + count))


def update_with_history(
    queryset: QuerySet,
    values: dict[str, Any],
    *,
    by: Any = None,
    reason: str = "",
    add_links: Mapping[str, models.Model] | None = None,
) -> tuple[int, QuerySet]:
    """Set the same values on every row of the queryset, with one history row each.

    For bulk actions over thousands of rows: the statements do not grow with the rows
    (the highest history key, the history rows, the update, one statement per link
    added and one per tracked many-to-many field). ``values`` maps field names to
    values (``auto_now`` fields take the time of the change); ``add_links`` maps a
    many-to-many field to a record each row is linked to, if it is not already.

    The history rows are written first, from the rows as they will be, and the later
    statements find the records through them: the queryset's own condition (the rows
    that differ from the new values) no longer holds once they are set. Run it inside
    a transaction, the rows locked; it writes no ``status_changed`` announcement and
    checks nothing. Return how many rows changed, and their history rows.
    """
    model = queryset.model
    meta = model._meta
    history = model.history.model
    now = timezone.now()
    values = {
        **{f.name: now for f in meta.concrete_fields if getattr(f, "auto_now", False)},
        **values,
    }
    changed = {
        meta.get_field(name).attname: value.pk if isinstance(value, models.Model) else value
        for name, value in values.items()
    }
    last = history._default_manager.aggregate(last=Max("pk"))["last"] or 0
    columns, selected, params = [], [], []
    for field in history.tracked_fields:
        columns.append(history._meta.get_field(field.name).column)
        if field.attname in changed:
            selected.append(f"CAST(%s AS {field.cast_db_type(connection)})")
            params.append(field.get_db_prep_save(changed[field.attname], connection))
        else:
            selected.append(f'"{meta.db_table}"."{field.column}"')
    subquery, subquery_params = queryset.order_by().values("pk").query.sql_with_params()
    names = ", ".join(f'"{column}"' for column in [*columns, *_HISTORY_COLUMNS])
    history_values = [
        connection.ops.adapt_datetimefield_value(now),
        reason or None,
        "~",
        by.pk if by is not None else None,
        "" if by is not None else current_actor(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{history._meta.db_table}" ({names}) '  # noqa: S608  # nosec B608
            f"SELECT {', '.join(selected)}, %s, %s, %s, %s, %s "
            f'FROM "{meta.db_table}" WHERE "{meta.db_table}"."{meta.pk.column}" IN ({subquery})',
            [*params, *history_values, *subquery_params],
        )
        count = cursor.rowcount
    written = history._default_manager.filter(pk__gt=last, history_date=now, history_type="~")
    if by is not None:
        written = written.filter(history_user=by.pk)
    model._base_manager.filter(pk__in=written.values("id")).update(**values)
    for name, target in (add_links or {}).items():
        _add_link(meta.get_field(name), target, written)
    for field in getattr(history, "_history_m2m_fields", []):
        _snapshot_links(meta.get_field(field.name), history, written)
    return count, written


def _add_link(field: Any, target: models.Model, written: QuerySet) -> None:
    """Link each record of the history rows written to ``target``, if not already."""
    through = field.remote_field.through._meta.db_table
    source, other = field.m2m_column_name(), field.m2m_reverse_name()
    subquery, params = written.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{through}" ("{source}", "{other}") '  # noqa: S608  # nosec B608
            f'SELECT w."id", %s FROM ({subquery}) w WHERE NOT EXISTS (SELECT 1 FROM "{through}" t '
            f'WHERE t."{source}" = w."id" AND t."{other}" = %s)',
            [target.pk, *params, target.pk],
        )


def _snapshot_links(field: Any, history: Any, written: QuerySet) -> None:
    """Copy each record's links into the snapshot of its new history row, as saving a
    record with tracked many-to-many fields does."""
    through = field.remote_field.through
    snapshot = getattr(history, field.name).model
    links = list(through._meta.concrete_fields)
    columns = ", ".join(f'"{snapshot._meta.get_field(f.name).column}"' for f in links)
    copied = ", ".join(f't."{f.column}"' for f in links)
    source = field.m2m_column_name()
    subquery, params = written.values("pk").query.sql_with_params()
    history_key = history._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{snapshot._meta.db_table}" ({columns}, "history_id") '  # noqa: S608  # nosec B608
            f'SELECT {copied}, h."{history_key}" FROM "{through._meta.db_table}" t '
            f'JOIN "{history._meta.db_table}" h ON h."id" = t."{source}" '
            f'WHERE h."{history_key}" IN ({subquery})',
            params,
        )
