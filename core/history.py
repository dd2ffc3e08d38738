"""History (7.5): who changed what and when, on every record people edit.

Each tracked model declares ``history = record_history()``. Changes made in a request
name the signed-in user (simple-history's middleware); changes made by a Celery
task or a management command name that task or command as the system actor. History
rows are append-only: saving an existing one or deleting one raises.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
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
