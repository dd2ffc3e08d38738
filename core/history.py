"""History (7.5): who changed what and when, on every record people edit.

Each tracked model declares ``history = record_history()``. Changes made in a request
name the signed-in user (simple-history's middleware); changes made by a Celery
task or a management command name that task or command as the system actor. History
rows are append-only: saving an existing one or deleting one raises.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import utils as history_utils
from simple_history.models import HistoricalRecords

_actor: ContextVar[str] = ContextVar("history_actor", default="")


class HistoryImmutableError(Exception):
    """Raised on an attempt to change or delete a history row."""


@contextmanager
def system_actor(name: str) -> Iterator[None]:
    """Name the task or command behind the changes made inside the block."""
    token = _actor.set(name)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    return _actor.get()


class HistoryBase(models.Model):
    """The base of every historical model."""

    history_actor = models.CharField(
        _("system actor"),
        max_length=150,
        blank=True,
        help_text=_("The task or command that made the change when no person did."),
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise HistoryImmutableError("History rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise HistoryImmutableError("History rows are never deleted.")

    @property
    def actor_label(self) -> str:
        """Return who made the change: a person, a system actor, or "unknown"."""
        user = getattr(self, "history_user", None)
        if user is not None:
            return str(user)
        return self.history_actor or str(_("unknown"))


def record_history(**options: Any) -> HistoricalRecords:
    """Return the history descriptor every tracked model uses."""
    options.setdefault("bases", [HistoryBase])
    # History is read per record (by its id) and by date; indexes on the foreign keys
    # it copies would only slow every write, bulk imports most.
    options.setdefault("no_db_index", ["voided_by"])
    options.setdefault("cascade_delete_history", False)
    return HistoricalRecords(**options)


def stamp_actor(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """Copy the current system actor onto a history row about to be written."""
    if hasattr(history_instance, "history_actor") and not history_instance.history_actor:
        history_instance.history_actor = current_actor()


def task_started(sender: Any = None, task: Any = None, **kwargs: Any) -> None:
    _actor.set(f"task {task.name}" if task is not None else "task")


def task_finished(**kwargs: Any) -> None:
    _actor.set("")


def bulk_create_with_history(
    objs: list[Any],
    model: type[models.Model],
    *,
    by: Any = None,
    reason: str = "",
    batch_size: int = 500,
) -> list[Any]:
    """Insert many rows and their history in one go, naming the user or system actor.

    Imports and other bulk writes use this: ``bulk_create`` alone writes no history.
    """
    return history_utils.bulk_create_with_history(
        objs,
        model,
        batch_size=batch_size,
        default_user=by,
        default_change_reason=reason or None,
        custom_historical_attrs={"history_actor": "" if by else current_actor()},
    )


def bulk_update_with_history(
    objs: list[Any],
    model: type[models.Model],
    fields: list[str],
    *,
    by: Any = None,
    reason: str = "",
    batch_size: int = 500,
) -> int:
    """Update many rows and write a history row for each, naming who did it."""
    return history_utils.bulk_update_with_history(
        objs,
        model,
        fields,
        batch_size=batch_size,
        default_user=by,
        default_change_reason=reason or None,
        custom_historical_attrs={"history_actor": "" if by else current_actor()},
    )


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
    from django.db import connection  # noqa: PLC0415

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
