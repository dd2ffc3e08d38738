"""Records that hold as evidence (7.5): voiding instead of deleting, and locks.

``VoidableModel``: a record others point to is voided with a reason, never deleted.
``WorkflowModel``: a status with a transition table; a record in a locked status
(closed) refuses edits until a transition reopens it.
"""

from typing import Any, ClassVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordLockedError(Exception):
    """Raised when a closed or voided record is edited."""


class TransitionNotAllowedError(Exception):
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
            raise RecordLockedError(_("This record is voided and can no longer be changed."))
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
        stored = getattr(self, "_loaded_status", None)
        if (
            not self._state.adding
            and stored in self.LOCKED_STATUSES
            and not getattr(self, "_transition_pending", False)
            and not getattr(self, "_voiding", False)
        ):
            raise RecordLockedError(
                _("This record is closed and locked against edits; reopen it first.")
            )
        super().save(*args, **kwargs)
        self._loaded_status = self.status
        self._transition_pending = False

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def is_locked(self) -> bool:
        """Return whether the record, as stored, refuses edits."""
        stored = getattr(self, "_loaded_status", None)
        return stored in self.LOCKED_STATUSES or bool(getattr(self, "is_voided", False))

    def allowed_transitions(self) -> frozenset[str]:
        return self.TRANSITIONS.get(self.status, frozenset())

    def move_to(self, status: str, *, stored: str | None) -> None:
        """Put the status a form asks for on a record about to be saved.

        ``stored`` is the status in the database (None for a new record, which takes
        any status). A move the table forbids raises a ValidationError on ``status``.
        """
        if stored is None:
            self.status = status
            return
        self.status = stored
        if status != stored:
            try:
                self.set_status(status)
            except TransitionNotAllowedError as exc:
                raise ValidationError({"status": str(exc)}) from exc

    def set_status(self, status: str, *, reason: str = "") -> None:
        """Move to ``status`` if the table allows it; the caller saves."""
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
        if reason:
            self._change_reason = reason
