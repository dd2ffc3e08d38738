"""History (7.5): who changed what and when, on every record people edit.

Each tracked model declares ``history = record_history()``. Changes made in a request
name the signed-in user (simple-history's middleware); changes made by a Celery
task or a management command name that task or command as the system actor. History
rows are append-only: saving an existing one or deleting one raises.
"""

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

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
    attribute values (``customer_id``, not ``customer``) of plain types. Keys are
    reserved first, so both tables are written with plain multi-row inserts. Run it
    inside a transaction.
    """
    if not rows:
        return []
    from django.db import connection  # noqa: PLC0415

    meta = model._meta
    history_meta = model.history.model._meta  # type: ignore[attr-defined]
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    now = timezone.now()
    adapt: dict[str, Any] = {}
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapt[f.attname] = connection.ops.adapt_datetimefield_value
        elif isinstance(f, models.DateField):
            adapt[f.attname] = connection.ops.adapt_datefield_value
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    values = []
    for row in rows:
        full = {**defaults, **row}
        values.append(
            [
                adapt[name](full[name]) if name in adapt else full[name]
                for name in (f.attname for f in fields)
            ]
        )
    with connection.cursor() as cursor:
        ids = _reserve_ids(cursor, connection, meta.db_table, len(rows))
        _insert(
            cursor,
            connection,
            meta.db_table,
            [meta.pk.column, *columns],
            [[pk, *row] for pk, row in zip(ids, values, strict=True)],
        )
        history_columns = [
            meta.pk.column,
            *columns,
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
            "history_actor",
        ]
        # The history rows copy the rows just written, in the database itself.
        copied = ", ".join(f'"{name}"' for name in [meta.pk.column, *columns])
        target = ", ".join(f'"{name}"' for name in history_columns)
        where_params: list[Any]
        if connection.vendor == "postgresql":
            where, where_params = f'"{meta.pk.column}" = ANY(%s)', [ids]
        else:
            # SQLite: the keys were reserved as one run under the write lock.
            where, where_params = f'"{meta.pk.column}" BETWEEN %s AND %s', [ids[0], ids[-1]]
        sql = (
            f'INSERT INTO "{history_meta.db_table}" ({target}) '  # noqa: S608  # nosec B608
            f'SELECT {copied}, %s, %s, %s, %s, %s FROM "{meta.db_table}" WHERE {where}'
        )
        cursor.execute(
            sql,
            [
                connection.ops.adapt_datetimefield_value(now),
                reason or None,
                "+",
                by.pk if by is not None else None,
                "" if by is not None else current_actor(),
                *where_params,
            ],
        )
    return ids


_NULL = "\\N"


def _reserve_ids(cursor: Any, connection: Any, table: str, count: int) -> list[int]:
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]
    # SQLite: the transaction holds the database's write lock (IMMEDIATE), so nobody
    # else can take these keys between the read and the insert. AUTOINCREMENT's own
    # counter counts too, so a key that was ever used (and its history) is never reused.
    sql = f'SELECT COALESCE(MAX(id), 0) FROM "{table}"'  # noqa: S608  # nosec B608
    cursor.execute(sql)
    highest = cursor.fetchone()[0]
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    sequence = cursor.fetchone()
    start = max(highest, sequence[0] if sequence else 0) + 1
    return list(range(start, start + count))


def _insert(
    cursor: Any, connection: Any, table: str, columns: list[str], rows: list[list[Any]]
) -> None:
    # Table and column names come from the model, never from input.
    names = ", ".join(f'"{name}"' for name in columns)
    if connection.vendor == "postgresql":
        # COPY: building an INSERT of this size costs more than the load itself. The
        # csv module quotes in C; None is written as \N, the NULL marker. (A text
        # value of exactly "\N" would read as NULL and be refused by NOT NULL.)
        buffer = io.StringIO()
        csv.writer(buffer).writerows([_NULL if v is None else v for v in row] for row in rows)
        buffer.seek(0)
        sql = f"COPY \"{table}\" ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        cursor.cursor.copy_expert(sql, buffer)
    else:
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608  # nosec B608
        cursor.cursor.executemany(sql, rows)
