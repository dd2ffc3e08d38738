"""History (7.5): who changed what and when, on every record people edit.

Each tracked model declares ``history = record_history()``. Changes made in a request
name the signed-in user (simple-history's middleware); changes made by a Celery
task or a management command name that task or command as the system actor. History
rows are append-only: saving an existing one or deleting one raises.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
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


class ChangesOnlyHistoricalRecords(HistoricalRecords):
    """simple-history's descriptor, writing a change row only when something changed.

    A form saved as it was, or a many-to-many set to what it held, would otherwise
    write an empty "Changed" row. The one rule for every tracked model: a change row
    is written when a field other than an automatic timestamp, or the set of a
    tracked many-to-many field, differs from the latest history row.
    """

    def create_historical_record(self, instance: Any, history_type: str, using: Any = None) -> None:
        if history_type == "~" and self.unchanged(instance):
            return
        super().create_historical_record(instance, history_type, using=using)

    def unchanged(self, instance: models.Model) -> bool:
        """Return whether the record holds what its latest history row holds."""
        history = getattr(instance, self.manager_name)
        latest = history.first()
        if latest is None:
            return False
        for field in self.fields_included(instance):
            if getattr(field, "auto_now", False):
                continue  # "updated" moves on every save: not a change of its own
            now, then = getattr(instance, field.attname), getattr(latest, field.attname)
            if now != then and field.get_prep_value(now) != field.get_prep_value(then):
                return False
        # The record's own m2m fields; a reverse add (segment.customers.add) reaches
        # this descriptor with the other side's record, whose history has none.
        for field in getattr(history.model, "_history_m2m_fields", []):
            stored = self.m2m_models.get(field)
            if stored is None:
                return False
            source = history_utils.get_m2m_field_name(field)
            target = history_utils.get_m2m_reverse_field_name(field)
            through = getattr(instance, field.name).through
            current = set(through.objects.filter(**{source: instance}).values_list(target))
            recorded = set(stored.objects.filter(history=latest).values_list(target))
            if current != recorded:
                return False
        return True


def record_history(**options: Any) -> HistoricalRecords:
    """Return the history descriptor every tracked model uses: a change row only when
    something changed (``ChangesOnlyHistoricalRecords``)."""
    options.setdefault("bases", [HistoryBase])
    # History is read per record (by its id) and by date; indexes on the foreign keys
    # it copies would only slow every write, bulk imports most.
    options.setdefault("no_db_index", ["voided_by"])
    options.setdefault("cascade_delete_history", False)
    return ChangesOnlyHistoricalRecords(**options)


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


def attribute_change(record: models.Model, *, by: Any, reason: str = "") -> None:
    """Name who makes the record's next saved change, and why, on its history row.

    Every service calls this before it saves: history reads the request's user only
    inside a request, and services also run in tasks, commands and tests.
    """
    record._history_user = by  # type: ignore[attr-defined]
    if reason:
        record._change_reason = reason  # type: ignore[attr-defined]


# Reading history ------------------------------------------------------------------

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
HISTORY_LIMIT = 200


def _display(field: models.Field, value: Any, names: dict[Any, str]) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), str(value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _flatten(value: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Return the strings and numbers of a JSON value by their path: ``{"en": {"title":
    "A"}}`` is ``{("en", "title"): "A"}``; list items are numbered from 1."""
    if isinstance(value, dict):
        items: Any = ((str(key), item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((str(number), item) for number, item in enumerate(value, start=1))
    else:
        return {path: value}
    flat: dict[tuple[str, ...], Any] = {}
    for key, item in items:
        flat.update(_flatten(item, (*path, key)))
    return flat


def _json_changes(field: models.Field, old: Any, new: Any) -> list[dict[str, Any]]:
    """Return a JSON field's change as one line per value that changed, named by its
    path ("texts en title"), rather than two whole maps no one can read side by side."""
    before, after = _flatten(old), _flatten(new)
    lines = []
    for path in [*before, *(p for p in after if p not in before)]:
        if before.get(path) != after.get(path):
            label = " ".join((str(field.verbose_name), *path))
            lines.append(
                {
                    "field": label,
                    "old": "—" if before.get(path) in (None, "") else str(before[path]),
                    "new": "—" if after.get(path) in (None, "") else str(after[path]),
                }
            )
    return lines


def _foreign_names(model: Any, deltas: list[Any]) -> dict[Any, str]:
    """Return the name of every record a changed foreign key pointed to: one query per
    related model for the whole history, not one per history row."""
    wanted: dict[Any, set[Any]] = {}
    for delta in deltas:
        for change in delta.changes:
            field = model._meta.get_field(change.field)
            if isinstance(field, models.ForeignKey):
                ids = wanted.setdefault(field.related_model, set())
                ids.update(v for v in (change.old, change.new) if v not in (None, ""))
    names = {}
    for related, ids in wanted.items():
        for pk, record in related._default_manager.in_bulk(ids).items():
            names[(related, pk)] = str(record)
    return names


def _m2m_links(rows: list[Any]) -> dict[Any, tuple[dict[int, list[int]], dict[int, str]]]:
    """Return, per tracked many-to-many field, each history row's links and their names."""
    if not rows:
        return {}
    found: dict[Any, tuple[dict[int, list[int]], dict[int, str]]] = {}
    for tracked in getattr(rows[0], "_history_m2m_fields", []):
        field = rows[0].instance_type._meta.get_field(tracked.name)
        snapshot = getattr(rows[0], field.name).model
        target = f"{field.m2m_reverse_field_name()}_id"
        links: dict[int, list[int]] = {}
        pairs = snapshot.objects.filter(history_id__in=[row.pk for row in rows]).values_list(
            "history_id", target
        )
        for history_id, target_id in pairs.order_by(target):
            links.setdefault(history_id, []).append(target_id)
        every = {pk for linked in links.values() for pk in linked}
        records = field.related_model._default_manager.in_bulk(every)
        names = {pk: str(records[pk]) if pk in records else f"#{pk}" for pk in every}
        found[field] = (links, names)
    return found


def _previous_rows(history: QuerySet, rows: list[Any], limit: int) -> dict[int, Any]:
    """Return, by history row id, the same record's previous row (or None), for the
    first ``limit`` rows of ``rows``, which are newest first.

    Most are among the rows read. When the history was cut at the limit, the previous
    rows of records whose oldest row read is a change are read in one more query: for
    each such record, its newest row older than the cut.
    """
    previous: dict[int, Any] = {}
    newest_older: dict[Any, Any] = {}
    for row in reversed(rows):
        previous[row.pk] = newest_older.get(row.id)
        newest_older[row.id] = row
    if len(rows) <= limit:
        return previous  # every row was read: a row without a previous one is the first
    cut = rows[-1]
    wanting = {
        row.id: row for row in rows[:limit] if previous[row.pk] is None and row.history_type == "~"
    }
    if wanting:
        older = (
            history.filter(id__in=list(wanting))
            .filter(
                Q(history_date__lt=cut.history_date)
                | Q(history_date=cut.history_date, history_id__lt=cut.pk)
            )
            .annotate(
                newest=Window(
                    RowNumber(),
                    partition_by=[F("id")],
                    order_by=[F("history_date").desc(), F("history_id").desc()],
                )
            )
            .filter(newest=1)
        )
        for row in older:
            previous[wanting[row.id].pk] = row
    return previous


def history_entries_of(history: QuerySet, *, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """Return the rows of a history queryset, newest first, each with what it changed
    against the same record's previous row.

    The queryset holds one record's rows or many records' of one model. The queries
    do not grow with the rows or the records: the rows, the previous rows of records
    cut at the limit, the links of each tracked many-to-many field, and the names of
    the records each changed foreign key points to.
    """
    rows = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    previous = _previous_rows(history, rows, limit)
    shown = rows[:limit]
    m2m = _m2m_links([*rows, *(row for row in previous.values() if row is not None)])
    # Links are compared from one query per field, not two per history row.
    deltas = {
        newer.pk: newer.diff_against(
            older, foreign_keys_are_objs=False, excluded_fields=[f.name for f in m2m]
        )
        for newer in shown
        if (older := previous[newer.pk]) is not None and newer.history_type == "~"
    }
    foreign = _foreign_names(rows[0].instance_type, list(deltas.values())) if rows else {}
    entries = []
    for newer in shown:
        older = previous[newer.pk]
        changes = []
        delta = deltas.get(newer.pk)
        if delta is not None:
            for field, (links, linked) in m2m.items():
                old, new = links.get(older.pk, []), links.get(newer.pk, [])
                if old != new:
                    changes.append(
                        {
                            "field": field.verbose_name,
                            "old": ", ".join(linked[pk] for pk in old) or "—",
                            "new": ", ".join(linked[pk] for pk in new) or "—",
                        }
                    )
            for change in delta.changes:
                field = newer.instance_type._meta.get_field(change.field)
                if isinstance(field, models.JSONField):
                    changes += _json_changes(field, change.old, change.new)
                    continue
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, change.old, foreign),
                        "new": _display(field, change.new, foreign),
                    }
                )
        entries.append(
            {
                "when": newer.history_date,
                "kind": HISTORY_TYPES.get(newer.history_type, newer.history_type),
                "actor": newer.actor_label,
                "reason": newer.history_change_reason or "",
                "changes": changes,
                "model": newer.instance_type,
                "record_id": newer.id,
                "history_id": newer.history_id,
                "user_id": newer.history_user_id,
            }
        )
    return entries


def history_entries(record: models.Model, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """Return the record's history, newest first, each with what it changed."""
    history: Any = getattr(record, "history")  # noqa: B009 - simple-history adds it
    return history_entries_of(history.all(), limit=limit)


def merged_history(*histories: QuerySet, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """Return the history of several sets of records merged, newest first.

    Each argument is a history queryset of one model (``Contact.history.filter(...)``);
    each is read with ``history_entries_of``, so the queries grow with the number of
    querysets only.
    """
    entries = [entry for history in histories for entry in history_entries_of(history, limit=limit)]
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:limit]
