"""Records that hold as evidence (7.5): voiding instead of deleting, and locks.

``VoidableModel``: a record others point to is voided with a reason, never deleted.
``WorkflowModel``: a status with a transition table; a record in a locked status
(closed) refuses edits until a transition reopens it. Each saved move is announced
with ``status_changed`` once the transaction commits.
"""

from functools import partial
from typing import Any, ClassVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from core.history import attribute_change

# Sent once per saved status move, after the transaction commits, so a higher app can
# react to a lower app's workflow without the lower app importing it. Keyword
# arguments: sender (the model class), instance, old (the status stored before),
# new, by (the user, or None for a task or command) and reason (a string, maybe "").
status_changed = Signal()


VOIDED_MESSAGE = _("This %(record)s is voided and can no longer be changed.")
CLOSED_MESSAGE = _("This %(record)s is closed and locked against edits: reopen it first.")
MOVE_VOIDED_MESSAGE = _("This %(record)s is voided.")


def _refusal(message: Any, record: models.Model) -> str:
    """Return a lock message naming the kind of record ("This contact is voided ...")."""
    return str(message) % {"record": record._meta.verbose_name}


class Refusal(ValidationError):
    """A refusal with one message: a ValidationError, so a view shows it on the form or
    as a message like any other, and ``str()`` gives the message itself."""

    def __str__(self) -> str:
        return " ".join(self.messages)


class RecordLockedError(Refusal):
    """Raised when a closed or voided record is edited."""


class TransitionNotAllowedError(Refusal):
    """Raised for a status change the workflow does not allow; the message says why."""


class RecordDeletionRefusedError(Exception):
    """Raised when a record that holds as evidence is deleted."""


class VoidableQuerySet(models.QuerySet):
    def active(self) -> "VoidableQuerySet":
        return self.filter(voided_at__isnull=True)

    def voided(self) -> "VoidableQuerySet":
        return self.filter(voided_at__isnull=False)


class VoidableModel(models.Model):
    """A record that is voided with a reason instead of deleted."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        # Nobody searches by who voided; an index would only slow bulk imports.
        db_index=False,
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, editable=False)

    objects = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_loaded_voided", False):
            raise RecordLockedError(_refusal(VOIDED_MESSAGE, self))
        super().save(*args, **kwargs)
        self._loaded_voided = self.is_voided

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RecordDeletionRefusedError(
            _("Records are kept as evidence and cannot be deleted: void it with a reason.")
        )

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_voided = instance.__dict__.get("voided_at") is not None
        return instance

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class WorkflowModel(models.Model):
    """A record whose status moves only along its transition table.

    Subclasses define a ``status`` field, ``TRANSITIONS`` (status -> statuses it may
    move to) and ``LOCKED_STATUSES`` (statuses in which the record refuses edits).
    """

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {}
    LOCKED_STATUSES: ClassVar[frozenset[str]] = frozenset()
    status: Any

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        stored = getattr(self, "_loaded_status", None)
        if (
            not adding
            and stored in self.LOCKED_STATUSES
            and not getattr(self, "_transition_pending", False)
            and not getattr(self, "_voiding", False)
        ):
            raise RecordLockedError(_refusal(CLOSED_MESSAGE, self))
        # Read before saving: the history row and the announcement name the same ones.
        by = getattr(self, "_history_user", None)
        reason = str(getattr(self, "_change_reason", None) or "")
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if "status" not in self.__dict__ or (
            update_fields is not None and "status" not in update_fields
        ):
            return  # the status (deferred or left out) was not written
        new = self.status
        self._loaded_status = new
        self._transition_pending = False
        if not adding and new != stored:
            announce = partial(
                status_changed.send,
                sender=type(self),
                instance=self,
                old=stored,
                new=new,
                by=by,
                reason=reason,
            )
            transaction.on_commit(announce, using=self._state.db)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        if "status" in self.__dict__:
            # What the database holds now; a stale one would announce a move twice.
            self._loaded_status = self.status
            self._transition_pending = False

    @property
    def is_locked(self) -> bool:
        """Return whether the record, as stored, refuses edits."""
        stored = getattr(self, "_loaded_status", None)
        return stored in self.LOCKED_STATUSES or bool(getattr(self, "is_voided", False))

    def allowed_transitions(self) -> frozenset[str]:
        return self.TRANSITIONS.get(self.status, frozenset())

    def move_to(self, status: str, *, stored: str | None, by: Any = None, reason: str = "") -> None:
        """Put the status a form asks for on a record about to be saved.

        ``stored`` is the status in the database (None for a new record, which takes
        any status). A move the table forbids raises a ValidationError on ``status``.
        ``by`` and ``reason`` are recorded as for ``set_status``.
        """
        if stored is None:
            self.status = status
        else:
            # Fresher than the status this instance was loaded with: the lock and the
            # announced move start from it.
            self._loaded_status = stored
            self.status = stored
            if status != stored:
                try:
                    self.set_status(status)
                except TransitionNotAllowedError as exc:
                    raise ValidationError({"status": str(exc)}) from exc
        self._record_who_and_why(by=by, reason=reason)

    def set_status(self, status: str, *, by: Any = None, reason: str = "") -> None:
        """Move to ``status`` if the table allows it, recording who and why; the caller
        saves, and the move is announced with ``status_changed`` after commit.

        ``by`` is the user (None for a task or command, which the history names as
        its system actor). A forbidden move raises TransitionNotAllowedError.
        """
        if status not in self.allowed_transitions():
            name = "status"  # a variable: the stubs check literal names on the abstract base
            field = cast(models.Field, type(self)._meta.get_field(name))
            labels = dict(field.flatchoices)
            raise TransitionNotAllowedError(
                _("A record that is %(current)s cannot be made %(target)s.")
                % {
                    "current": str(labels.get(self.status, self.status)).lower(),
                    "target": str(labels.get(status, status)).lower(),
                }
            )
        self.status = status
        self._transition_pending = True
        self._record_who_and_why(by=by, reason=reason)

    def _record_who_and_why(self, *, by: Any, reason: str) -> None:
        # simple-history reads these for the history row; save() for the announcement.
        if by is not None:
            attribute_change(self, by=by, reason=reason)
        elif reason:
            self._change_reason = reason


def ensure_editable(record: models.Model) -> None:
    """Raise RecordLockedError if the record, as stored, refuses edits.

    The one guard every service calls before it changes a record: voided, in a locked
    status of its workflow, or locked for a reason of its own (a model's
    ``lock_reason``, such as an erased contact's). Views only show its message.
    """
    if getattr(record, "is_voided", False):
        raise RecordLockedError(_refusal(VOIDED_MESSAGE, record))
    if getattr(record, "is_locked", False):
        raise RecordLockedError(_refusal(CLOSED_MESSAGE, record))
    own = getattr(record, "lock_reason", "")
    if own:
        raise RecordLockedError(own)


def lock_stored(record: Any, *related: str) -> Any:
    """Return the record's stored row, locked until the transaction ends.

    Every service that checks what is stored (a status, a lock) before it writes reads
    the row this way, so two requests never both pass the check. Only the record's own
    row is locked, whatever ``related`` joins (PostgreSQL refuses FOR UPDATE on the
    nullable side of an outer join); SQLite locks the whole database for writing.
    """
    manager = type(record)._base_manager
    return manager.select_related(*related).select_for_update(of=("self",)).get(pk=record.pk)


def lock_rows(queryset: models.QuerySet) -> int:
    """Lock the rows a queryset selects until the transaction ends; return how many.

    ``lock_stored`` for a bulk action: one query, whatever the number of rows. The
    selection may join and repeat rows (a filtered list); the lock reads the model's
    own rows by key.
    """
    manager = queryset.model._base_manager
    rows = manager.filter(pk__in=queryset.order_by().values("pk")).select_for_update()
    return len(rows.values_list("pk", flat=True))


def ensure_not_voided(record: models.Model) -> None:
    """Raise RecordLockedError if the record is voided: a voided record makes no move,
    while a closed one may still be reopened by its workflow."""
    if getattr(record, "is_voided", False):
        raise RecordLockedError(_refusal(MOVE_VOIDED_MESSAGE, record))
