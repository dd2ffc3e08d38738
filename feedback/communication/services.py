"""Writes to the communication log and plan.

A communication is recorded, changed or voided by whoever made it (or a quality
manager); one that fulfils a planned row moves the row's next due date on by its
frequency, and voiding it moves the date back if nothing moved it since. The plan's
rows are a draft until a version is approved; the overdue job reminds each
responsible person once per due date.

Kept in one module past 500 lines: logging a communication moves the plan row it
fulfils, and voiding it moves the date back, so the log's writes and the plan's are
one set of services.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.email import email_queue
from core.erasure import Pseudonyms
from core.history import attribute_change
from core.limits import check_length
from core.models import User
from core.records import ensure_editable, lock_rows, lock_stored
from core.services import record_void
from customers.models import Customer
from feedback.communication import selectors
from feedback.communication.models import (
    PLAN_CONTENT,
    Audience,
    Communication,
    Frequency,
    PlanRow,
    PlanVersion,
    PlanVersionRow,
    local_day,
    step,
)

# Communications ---------------------------------------------------------------------


def may_edit(user: User, communication: Communication) -> bool:
    """Return whether the person may change or void the communication: whoever
    recorded it or made it, or a holder of ``edit_any_communication``."""
    if not user.has_perm("feedback.change_communication"):
        return False
    if user.has_perm("feedback.edit_any_communication"):
        return True
    return user.pk in (communication.created_by_id, communication.handled_by_id)


def _check_communication(communication: Communication) -> None:
    """Refuse what the form cannot see: the timeline, the contact, the planned row."""
    errors: dict[str, Any] = {}
    when = communication.occurred_at
    if when is not None and when > timezone.now():
        errors["occurred_at"] = _("A communication is logged once it happened: not in the future.")
    customer = communication.customer
    if customer is None and not communication.audience:
        errors["customer"] = _(
            "Choose the customer, or for an internal communication the internal audience."
        )
    elif customer is not None:
        errors.update(_customer_refusals(communication, customer))
    problem = (
        _fulfilment_refusal(communication)
        if communication.plan_row_id is not None and "customer" not in errors
        else ""
    )
    if problem:
        errors["plan_row"] = problem
    if errors:
        raise ValidationError(errors)


def _stored(communication: Communication) -> dict[str, Any]:
    """Return the customer and contact the communication names as stored ({} if new)."""
    if communication.pk is None:
        return {}
    return (
        Communication.objects.filter(pk=communication.pk)
        .values("customer_id", "contact_id")
        .first()
        or {}
    )


def _customer_refusals(communication: Communication, customer: Customer) -> dict[str, Any]:
    """Return what is wrong with the customer and contact of a communication with one.

    A voided customer or contact it named already stays; a new one must be active.
    """
    errors: dict[str, Any] = {}
    stored = _stored(communication)
    when = communication.occurred_at
    if communication.audience:
        errors["audience"] = _("A communication with a customer has no internal audience.")
    if customer.is_voided and stored.get("customer_id") != customer.pk:
        errors["customer"] = _("This customer is voided: choose an active one.")
    if when is not None and local_day(when) < local_day(customer.created_at):
        errors["occurred_at"] = _(
            "%(customer)s was registered on %(date)s: a communication with it cannot come before."
        ) % {"customer": customer, "date": local_day(customer.created_at).isoformat()}
    contact = communication.contact
    if contact is None:
        return errors
    if contact.customer_id != customer.pk:
        errors["contact"] = _("Choose a contact of %(customer)s.") % {"customer": customer}
    elif contact.is_erased and stored.get("contact_id") != contact.pk:
        errors["contact"] = _("This contact's personal data is erased: leave it out.")
    elif contact.is_voided and stored.get("contact_id") != contact.pk:
        errors["contact"] = _("This contact is voided: choose an active one.")
    return errors


def _fulfilment_refusal(communication: Communication) -> str:
    """Return why the communication cannot fulfil its planned row, or ""."""
    # Read as stored: the plan in force is what the approval last wrote.
    row = PlanRow.objects.select_related("in_force_as").get(pk=communication.plan_row_id)
    planned = row.in_force_as
    if planned is None or row.is_voided:
        return _("“%(row)s” is not in the plan in force.") % {"row": row}
    names = {"row": row, "whom": planned.whom}
    if planned.is_internal:
        refused = bool(communication.customer_id)
        why = _("“%(row)s” is planned with %(whom)s, not with a customer.")
    elif not communication.customer_id:
        refused, why = True, _("“%(row)s” is planned with customers: choose the customer.")
    elif planned.audience == Audience.CUSTOMER:
        refused = planned.customer_id != communication.customer_id
        why = _("“%(row)s” is planned with %(whom)s only.")
    elif planned.audience == Audience.SEGMENT:
        refused = not Customer.segments.through.objects.filter(
            customer_id=communication.customer_id, segment_id=planned.segment_id
        ).exists()
        why = _("“%(row)s” is planned with %(whom)s, and this customer is not in it.")
    else:
        refused, why = False, ""
    return why % names if refused else ""


def next_due_after(due: date, frequency: str, fulfilled_on: date) -> date | None:
    """Return where a fulfilment on ``fulfilled_on`` moves a row due on ``due``, or None
    when it does not move it.

    A fulfilment in the current cycle (after the previous due date), early or late,
    moves the date one period on, and further while it would still be on or before
    the fulfilment: a cycle missed is not owed twice. One on or before the previous
    due date belongs to an earlier cycle and moves nothing.
    """
    if frequency == Frequency.ON_EVENT:
        return None
    if fulfilled_on <= step(due, frequency, -1):
        return None
    moved = step(due, frequency)
    periods = 1
    while moved <= fulfilled_on:
        periods += 1
        moved = step(due, frequency, periods)
    return moved


def _fulfil(communication: Communication, *, by: User) -> None:
    """Move the fulfilled row's next due date on, noting where from and to."""
    communication.due_before = communication.due_after = None
    if communication.plan_row_id is None or communication.is_voided:
        return
    row = lock_stored(communication.plan_row, "in_force_as")
    planned = row.in_force_as
    if row.next_due is None or planned is None:
        return
    moved = next_due_after(row.next_due, planned.frequency, local_day(communication.occurred_at))
    if moved is None:
        return
    communication.due_before, communication.due_after = row.next_due, moved
    row.next_due = moved
    attribute_change(
        row,
        by=by,
        reason=_("Fulfilled by “%(summary)s” on %(date)s")
        % {"summary": communication.summary, "date": local_day(communication.occurred_at)},
    )
    row.save(update_fields=["next_due", "updated_at"])


def _unfulfil(stored: Communication, *, by: User, why: str) -> None:
    """Move the row the stored communication moved back, if nothing moved it since."""
    if stored.plan_row_id is None or stored.due_after is None:
        return
    row = lock_stored(stored.plan_row)
    if row.next_due != stored.due_after:
        return
    row.next_due = stored.due_before
    attribute_change(row, by=by, reason=why)
    row.save(update_fields=["next_due", "updated_at"])


def _cause(caused_by: models.Model | None) -> dict[str, Any]:
    if caused_by is None:
        return {}
    return {
        "content_type": ContentType.objects.get_for_model(caused_by),
        "object_id": str(caused_by.pk),
    }


@transaction.atomic
def communication_record(
    *, communication: Communication, by: User, caused_by: models.Model | None = None
) -> Communication:
    """Log a communication that happened; if it fulfils a planned row, move the row on."""
    for name, value in _cause(caused_by).items():
        setattr(communication, name, value)
    communication.created_by = by
    if communication.handled_by_id is None:
        communication.handled_by = by
    _check_communication(communication)
    communication.full_clean()
    _fulfil(communication, by=by)
    attribute_change(communication, by=by)
    communication.save()
    return communication


@transaction.atomic
def communication_change(
    *, communication: Communication, by: User, reason: str = ""
) -> Communication:
    """Save a changed communication; a change of its planned row or its date moves the
    rows again as if it were logged anew."""
    stored = lock_stored(communication)
    ensure_editable(stored)
    if not may_edit(by, stored):
        raise ValidationError(_("Only who recorded or made this communication may change it."))
    _check_communication(communication)
    communication.full_clean()
    if (stored.plan_row_id, stored.occurred_at) != (
        communication.plan_row_id,
        communication.occurred_at,
    ):
        _unfulfil(stored, by=by, why=_("Its communication was changed"))
        _fulfil(communication, by=by)
    attribute_change(communication, by=by, reason=reason)
    communication.save()
    return communication


@transaction.atomic
def communication_void(*, communication: Communication, by: User, reason: str) -> Communication:
    """Void a communication; the planned row it moved goes back if nothing moved it since."""
    stored = lock_stored(communication)
    if not may_edit(by, stored):
        raise ValidationError(_("Only who recorded or made this communication may void it."))
    voided = record_void(record=communication, by=by, reason=reason)
    _unfulfil(stored, by=by, why=_("Its communication was voided"))
    return voided  # type: ignore[return-value]


# The plan -----------------------------------------------------------------------------


def _check_row(row: PlanRow) -> None:
    errors: dict[str, Any] = {}
    if row.audience == Audience.SEGMENT and row.segment is None:
        errors["segment"] = _("Choose the segment.")
    if row.audience == Audience.CUSTOMER and row.customer is None:
        errors["customer"] = _("Choose the customer.")
    if row.audience != Audience.SEGMENT:
        row.segment = None
    if row.audience != Audience.CUSTOMER:
        row.customer = None
    planned = row.in_force_as
    if planned is not None and (planned.frequency == Frequency.ON_EVENT) != (
        row.frequency == Frequency.ON_EVENT
    ):
        # The due date is the schedule in force: a draft cannot start or stop it.
        errors["frequency"] = _(
            "This row is in force: it cannot change between “when an event happens” and "
            "a schedule in the draft. Remove it in the draft and add a new row instead."
        )
    if row.frequency == Frequency.ON_EVENT:
        if not row.event.strip():
            errors["event"] = _("Say on which event this is communicated.")
        if planned is None:
            row.next_due = None
    else:
        row.event = ""
        if row.next_due is None:
            errors["next_due"] = _("Give the date it is first due.")
    if row.responsible_id is not None and not row.responsible.is_active:
        errors["responsible"] = _("%(person)s no longer has an account: choose someone else.") % {
            "person": row.responsible
        }
    if errors:
        raise ValidationError(errors)


def _past_due_refusal(next_due: date | None) -> dict[str, str]:
    if next_due is not None and next_due < timezone.localdate():
        return {
            "next_due": _("A due date is a plan: choose today or a later date, not %(date)s.")
            % {"date": next_due.isoformat()}
        }
    return {}


@transaction.atomic
def plan_row_save(*, row: PlanRow, by: User) -> PlanRow:
    """Save a row of the draft plan; it is in force once a version is approved.

    Only the content is taken from ``row``, and the first due date while the row has
    never been in force: the due date of a row in force is its schedule, moved by
    fulfilment or by ``plan_row_reschedule`` alone. What the approval and the
    reminders keep on the row is read from the stored one, so a form loaded before an
    approval never puts back what the approval changed.
    """
    due_before = None
    if row.pk is not None:
        stored = lock_stored(row)
        ensure_editable(stored)
        for name, value in PLAN_CONTENT.values(row).items():
            setattr(stored, name, value)
        due_before = stored.next_due
        if stored.in_force_as_id is None:
            stored.next_due = row.next_due
        row = stored
    if row.next_due != due_before and (errors := _past_due_refusal(row.next_due)):
        raise ValidationError(errors)
    _check_row(row)
    row.full_clean()
    attribute_change(row, by=by)
    row.save()
    return row


@transaction.atomic
def plan_row_reschedule(*, row: PlanRow, by: User, next_due: date, reason: str) -> PlanRow:
    """Move the next due date of a row in force by hand, with the reason, kept in its
    history: the schedule is not part of the controlled text, so no approval is asked,
    but a date in the past is refused (a missed communication is logged, or stays
    overdue)."""
    stored = lock_stored(row, "in_force_as")
    ensure_editable(stored)
    planned = stored.in_force_as
    if planned is None:
        raise ValidationError(
            _("“%(row)s” is not in the plan in force: its first due date is set in the draft.")
            % {"row": stored}
        )
    if planned.frequency == Frequency.ON_EVENT:
        raise ValidationError(
            _("“%(row)s” is communicated on an event: it has no due date to move.")
            % {"row": stored}
        )
    errors: dict[str, Any] = _past_due_refusal(next_due)
    why = (reason or "").strip()
    if not why:
        errors["reason"] = _("Say why the due date moves.")
    if errors:
        raise ValidationError(errors)
    check_length(why, field="reason")
    before = stored.next_due
    stored.next_due = next_due
    attribute_change(
        stored,
        by=by,
        reason=_("Rescheduled from %(before)s to %(after)s: %(why)s")
        % {
            "before": before.isoformat() if before else "—",
            "after": next_due.isoformat(),
            "why": why,
        },
    )
    stored.save(update_fields=["next_due", "updated_at"])
    return stored


@transaction.atomic
def plan_row_withdraw(*, row: PlanRow, by: User, withdrawn: bool = True) -> PlanRow:
    """Mark a row for removal in the draft (or keep it after all).

    A row never approved is voided instead: nothing in force refers to it.
    """
    stored = lock_stored(row)
    ensure_editable(stored)
    if stored.in_force_as_id is None and withdrawn:
        return record_void(  # type: ignore[return-value]
            record=stored, by=by, reason=_("Removed from the draft before it was approved")
        )
    stored.withdrawn = withdrawn
    attribute_change(
        stored, by=by, reason=_("Removed in the draft") if withdrawn else _("Kept after all")
    )
    stored.save(update_fields=["withdrawn", "updated_at"])
    return stored


@transaction.atomic
def plan_approve(*, by: User, change_summary: str) -> PlanVersion:
    """Approve the draft: a new numbered version freezes every row as it stands.

    Refused without the permission, without a summary of the change, or when the
    draft does not differ from the plan in force. Withdrawn rows leave the plan.
    """
    if not by.has_perm("feedback.approve_planversion"):
        raise ValidationError(_("Approving the communication plan needs the approval permission."))
    summary = (change_summary or "").strip()
    if not summary:
        raise ValidationError({"change_summary": _("Say what changed and why.")})
    check_length(summary, field="change_summary")
    # Every row locked: a row saved while the version is being written would be
    # missed or copied half-changed.
    lock_rows(PlanRow.objects.active())
    rows = list(selectors.draft_rows())
    if not selectors.draft_changes(rows):
        raise ValidationError(
            _("The draft is the plan in force: change a row before approving a new version.")
        )
    last = PlanVersion.objects.order_by("-number").values_list("number", flat=True).first()
    version = PlanVersion.objects.create(
        number=(last or 0) + 1, change_summary=summary, approved_by=by
    )
    kept = [row for row in rows if not row.withdrawn]
    copies = PlanVersionRow.objects.bulk_create(
        [
            PlanVersionRow(
                version=version, row=row, next_due=row.next_due, **PLAN_CONTENT.values(row)
            )
            for row in kept
        ]
    )
    reason = _("In force from version %(number)s") % {"number": version.number}
    for row, copy in zip(kept, copies, strict=True):
        row.in_force_as = copy
        attribute_change(row, by=by, reason=reason)
        row.save(update_fields=["in_force_as", "updated_at"])
    for row in rows:
        if row.withdrawn:
            row.in_force_as = None
            row._voiding = True  # type: ignore[attr-defined]
            row.voided_at, row.voided_by = timezone.now(), by
            row.void_reason = _("Removed by version %(number)s") % {"number": version.number}
            attribute_change(row, by=by, reason=row.void_reason)
            row.save()
    return version


def plan_remind_overdue(*, today: date | None = None) -> int:
    """Email the person responsible for each overdue row in force, once per due date.

    Each row is claimed with a conditional update of the due date it was reminded
    for, so running twice, or on two workers at once, sends nothing twice.
    """
    today = today or timezone.localdate()
    sent = 0
    due = (
        PlanRow.objects.overdue(today)
        .active()
        .filter(Q(reminded_for__isnull=True) | Q(reminded_for__lt=F("next_due")))
        .filter(in_force_as__responsible__is_active=True)
        .select_related("in_force_as__responsible", "in_force_as__customer", "in_force_as__segment")
    )
    for row in due:
        planned = row.in_force_as
        if planned is None:  # overdue() reads rows in force; a row withdrawn meanwhile
            continue
        with transaction.atomic():
            claimed = PlanRow.objects.filter(
                Q(reminded_for__isnull=True) | Q(reminded_for__lt=F("next_due")),
                pk=row.pk,
                next_due=row.next_due,
            ).update(reminded_for=row.next_due)
            if not claimed:
                continue
            email_queue(
                to=planned.responsible.email,
                purpose="communication overdue",
                template="plan_overdue",
                context={
                    "row": row,
                    "planned": planned,
                    "person": planned.responsible,
                },
                related=row,
            )
            sent += 1
    return sent


# Erasure ------------------------------------------------------------------------------


def _scrub(rows: models.QuerySet, fields: list[str], pseudonyms: Pseudonyms) -> int:
    changed = 0
    for pk, *texts in rows.values_list("pk", *fields):
        scrubbed = [pseudonyms.scrub(text or "") for text in texts]
        if scrubbed != [text or "" for text in texts]:
            rows.model._base_manager.filter(pk=pk).update(
                **dict(zip(fields, scrubbed, strict=True))
            )
            changed += 1
    return changed


def _mentioning(fields: Iterable[str], pseudonyms: Pseudonyms) -> Q:
    found = Q(pk__in=[])
    for identifier in pseudonyms.identifiers:
        for name in fields:
            found |= Q(**{f"{name}__icontains": identifier})
    return found


def communications_erase(*, contact: Any, pseudonyms: Pseudonyms) -> int:
    """Pseudonymise an erased contact in the log: the free text of their communications
    and of any communication or plan row that mentions them, in the records and in
    every history row. Return how many rows changed."""
    text = ["summary", "details", "void_reason"]
    theirs = Q(contact_id=contact.pk)
    changed = _scrub(
        Communication.objects.filter(theirs | _mentioning(text, pseudonyms)),
        text,
        pseudonyms,
    )
    history = Communication.history.model._base_manager
    history_text = [*text, "history_change_reason"]
    changed += _scrub(
        history.filter(theirs | _mentioning(history_text, pseudonyms)),
        history_text,
        pseudonyms,
    )
    plan_text = ["subject", "event", "notes", "void_reason"]
    changed += _scrub(
        PlanRow.objects.filter(_mentioning(plan_text, pseudonyms)),
        plan_text,
        pseudonyms,
    )
    plan_history = PlanRow.history.model._base_manager
    plan_history_text = [*plan_text, "history_change_reason"]
    changed += _scrub(
        plan_history.filter(_mentioning(plan_history_text, pseudonyms)),
        plan_history_text,
        pseudonyms,
    )
    copy_text = ["subject", "event", "notes"]
    changed += _scrub(
        PlanVersionRow.objects.filter(_mentioning(copy_text, pseudonyms)),
        copy_text,
        pseudonyms,
    )
    changed += _scrub(
        PlanVersion.objects.filter(_mentioning(["change_summary"], pseudonyms)),
        ["change_summary"],
        pseudonyms,
    )
    return changed


def forget_erased_contact(
    sender: Any, *, contact: Any, pseudonyms: Pseudonyms, **kwargs: Any
) -> None:
    """Take an erased contact out of the communication log (a ``contact_erased``
    receiver, inside the erasure's transaction)."""
    communications_erase(contact=contact, pseudonyms=pseudonyms)
