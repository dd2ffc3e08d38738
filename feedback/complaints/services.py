"""Writes to feedback items: receiving, the complaint workflow, attachments.

Every move goes through ``WorkflowModel.set_status`` on the stored row, locked for the
transaction, so a forbidden move is refused with the workflow's message, the history
row names who and why, and ``status_changed`` goes out after commit. Who may handle
an item is ``FeedbackItem.handled_by``: staff the items they own, quality managers
any; ``by=None`` is a task or command.

Kept in one module past 500 lines: one service per step of one workflow, sharing
the lock, the handler check and the emails to the sender.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.email import email_queue
from core.history import attribute_change
from core.limits import check_length
from core.models import User
from core.records import (
    Refusal,
    TransitionNotAllowedError,
    ensure_editable,
    ensure_not_voided,
    lock_stored,
)
from core.services import record_void
from customers.models import Contact, Customer, ProductService
from feedback.complaints.attachments import check_uploads, new_token
from feedback.complaints.links import link_create, link_url
from feedback.complaints.models import (
    FUTURE_SLACK,
    Attachment,
    FeedbackItem,
    FeedbackLink,
    acknowledgement_overdue_condition,
    may_handle_feedback,
    overdue_condition,
    people_with_perm,
)

Kind = FeedbackItem.Kind
Status = FeedbackItem.Status
Acceptance = FeedbackItem.Acceptance


def targets_for(*, kind: str, received_at: Any, severity: str = "") -> dict[str, Any]:
    """Return the target dates of an item of this kind received then: one definition
    for receiving, assessing (a severity changes the close-by date) and the demo."""
    targets: dict[str, Any] = {
        "acknowledge_due_at": received_at + timedelta(hours=settings.FEEDBACK_ACKNOWLEDGE_HOURS)
    }
    if kind == Kind.COMPLAINT:
        days = settings.COMPLAINT_TARGET_DAYS[severity or FeedbackItem.Severity.MEDIUM]
        targets["due_at"] = received_at + timedelta(days=days)
    elif kind == Kind.FOLLOW_UP:
        targets["due_at"] = received_at + timedelta(days=settings.FOLLOW_UP_TARGET_DAYS)
    else:
        targets["due_at"] = None
    return targets


def _acknowledge(item: FeedbackItem, *, by: User | None) -> None:
    """Send the acknowledgement in the sender's language and mark the item acknowledged."""
    if not item.address:
        return
    _email_sender(
        item, template="feedback_acknowledgement", purpose="feedback acknowledgement", by=by
    )
    item.set_status(Status.ACKNOWLEDGED, by=by, reason=_("Acknowledgement emailed"))
    item.acknowledged_at = timezone.now()
    item.save()


def _email_sender(item: FeedbackItem, *, template: str, purpose: str, by: User | None) -> None:
    """Email the sender (their contact's address, or the one they gave) in their
    language, with a new link to the page that shows how their item stands."""
    link, token = link_create(purpose=FeedbackLink.Purpose.STATUS, item=item, by=by)
    status_url = link_url(link, token)
    email_queue(
        to=item.address,
        purpose=purpose,
        template=template,
        context={"item": item, "name": item.sender_label, "status_url": status_url},
        related=item,
        by=by,
        language=item.language,
        secrets=[status_url],
        keep_secrets=settings.COMMUNICATION_LOG_KEEP_LINKS,
    )


@transaction.atomic
def feedback_receive(
    *,
    kind: str,
    channel: str,
    description: str,
    language: str = "en",
    subject: str = "",
    customer: Customer | None = None,
    contact: Contact | None = None,
    product: ProductService | None = None,
    sender_name: str = "",
    sender_email: str = "",
    owner: User | None = None,
    received_at: Any = None,
    files: Sequence[Any] = (),
    by: User | None = None,
    acknowledge: bool = True,
    source_item: FeedbackItem | None = None,
    source_type: Any = None,
    source_id: str = "",
) -> FeedbackItem:
    """Record feedback as it arrives, with its attachments, and acknowledge it.

    The acknowledgement email goes to the contact (or the sender's address) in their
    language, after commit; an item with no address stays received. A refused file
    or field raises a ValidationError and nothing is saved. ``source_*`` name what it
    was turned from (a feedback item, a survey response).
    """
    received_at = received_at or timezone.now()
    if contact is not None and customer is None:
        customer = contact.customer
    if owner is None and customer is not None and kind in (Kind.COMPLAINT, Kind.FOLLOW_UP):
        owner = default_owner(customer)
    if owner is not None and not may_handle_feedback(owner):
        owner = None
    checked = check_uploads(files)
    item = FeedbackItem(
        kind=kind,
        channel=channel,
        description=description,
        language=language,
        subject=subject,
        customer=customer,
        contact=contact,
        product=product,
        sender_name=sender_name,
        sender_email=sender_email,
        owner=owner,
        received_at=received_at,
        source_item=source_item,
        source_type=source_type,
        source_id=source_id,
        **targets_for(kind=kind, received_at=received_at),
    )
    item.full_clean()
    if by is not None:
        attribute_change(item, by=by)
    item.save()
    _attach(item, checked, by=by)
    if acknowledge:
        _acknowledge(item, by=by)
    if owner is None and kind in (Kind.COMPLAINT, Kind.FOLLOW_UP):
        _ask_for_an_owner(item, by=by)
    return item


def default_owner(customer: Customer | None) -> User | None:
    """Return the customer's account owner when they may handle feedback, else None
    (top management own accounts but do not handle complaints)."""
    owner = customer.account_owner if customer is not None else None
    return owner if may_handle_feedback(owner) else None


def _ask_for_an_owner(item: FeedbackItem, *, by: User | None) -> None:
    """Tell the quality managers that a new complaint or follow-up has no owner."""
    for person in quality_managers():
        email_queue(
            to=person.email,
            purpose="complaint needs an owner",
            template="complaint_unowned",
            context={"item": item, "person": person},
            related=item,
            by=by,
        )


def _attach(item: FeedbackItem, checked: list[tuple[Any, str]], *, by: User | None) -> None:
    for upload, content_type in checked:
        Attachment.objects.create(
            item=item,
            token=new_token(),
            file=upload,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
        )


def feedback_record(*, by: User, owner: User | None = None, **fields: Any) -> FeedbackItem:
    """Record feedback that staff took by phone, email, letter or in person.

    It belongs to the owner chosen, else the customer's account owner, else the person
    recording it, whichever first may handle feedback; the acknowledgement is emailed
    when an address is known.
    """
    customer = fields.get("customer") or (
        fields["contact"].customer if fields.get("contact") else None
    )
    owner = _first_handler(owner, default_owner(customer), by)
    return feedback_receive(by=by, owner=owner, **fields)


def _first_handler(*people: User | None) -> User | None:
    return next((person for person in people if may_handle_feedback(person)), None)


# Handling -----------------------------------------------------------------------------


def _stored(item: FeedbackItem, by: User | None) -> FeedbackItem:
    """Return the item's stored row, locked, once the person may handle it."""
    stored = lock_stored(item, "contact", "customer")
    ensure_not_voided(stored)
    if by is not None and not stored.handled_by(by):
        raise Refusal(
            _("%(item)s belongs to %(owner)s: only its owner or a quality manager may handle it.")
            % {"item": stored.reference, "owner": stored.owner or _("nobody yet")}
        )
    return stored


def _when(
    stored: FeedbackItem, at: datetime | None, *, after: datetime | None, field: str
) -> datetime:
    """Return when a step happened: now unless given; never in the future, never
    before the step it follows."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + FUTURE_SLACK:
        raise ValidationError({field: _("This cannot be in the future: check the date and time.")})
    if after is not None and at < after:
        raise ValidationError(
            {
                field: _("This cannot be before %(when)s, when the previous step happened.")
                % {"when": timezone.localtime(after).strftime("%Y-%m-%d %H:%M")}
            }
        )
    return at


def _texts(**texts: str) -> dict[str, str]:
    cleaned = {}
    for field, text in texts.items():
        cleaned[field] = (text or "").strip()
        check_length(cleaned[field], field=field)
    return cleaned


def _refuse_unless_step(stored: FeedbackItem, step: str) -> None:
    """Refuse a step the workflow does not offer now, with the model's message."""
    if refusal := stored.step_refusal(step):
        raise TransitionNotAllowedError(refusal)


@transaction.atomic
def feedback_acknowledge(
    *, item: FeedbackItem, by: User | None, how: str, at: datetime | None = None
) -> FeedbackItem:
    """Record that the sender was acknowledged by another route (a call, a letter)."""
    stored = _stored(item, by)
    _refuse_unless_step(stored, "acknowledge")
    how = (how or "").strip()
    if not how:
        raise ValidationError({"how": _("Say how the sender was told their feedback arrived.")})
    check_length(how, field="how", limit=200)
    stored.set_status(Status.ACKNOWLEDGED, by=by, reason=_("Acknowledged: %(how)s") % {"how": how})
    stored.acknowledged_at = _when(stored, at, after=stored.received_at, field="at")
    stored.acknowledged_how = how
    stored.save()
    return stored


@transaction.atomic
def feedback_assess(
    *,
    item: FeedbackItem,
    by: User | None,
    severity: str,
    remedy_sought: str = "",
    justified: bool | None = None,
    reveals_nonconformity: bool | None = None,
    assessment: str = "",
    at: datetime | None = None,
) -> FeedbackItem:
    """Assess a complaint: its severity (which sets its close-by date from the
    settings), the remedy the customer seeks, whether it is justified and whether it
    reveals a nonconformity. An acknowledged complaint moves to assessed; one already
    assessed or under investigation is re-assessed in place."""
    stored = _stored(item, by)
    _refuse_unless_step(stored, "assess")
    if severity not in FeedbackItem.Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    texts = _texts(remedy_sought=remedy_sought, assessment=assessment)
    if stored.status in (Status.ASSESSED, Status.INVESTIGATING):
        reason = _("Assessment revised")
        attribute_change(stored, by=by, reason=reason)
    else:
        stored.set_status(Status.ASSESSED, by=by, reason=_("Assessed"))
        after = stored.acknowledged_at or stored.received_at
        stored.assessed_at = _when(stored, at, after=after, field="at")
    stored.severity = severity
    stored.justified = justified
    stored.reveals_nonconformity = reveals_nonconformity
    for field, text in texts.items():
        setattr(stored, field, text)
    stored.due_at = targets_for(
        kind=stored.kind, received_at=stored.received_at, severity=severity
    )["due_at"]
    stored.save()
    return stored


@transaction.atomic
def feedback_investigate(*, item: FeedbackItem, by: User | None, notes: str) -> FeedbackItem:
    """Start (or, after a decision the customer did not accept, restart) the
    investigation of a complaint, with notes on what is looked into. Its targets and
    escalation stay as they are: only reopening a closed complaint restarts them."""
    stored = _stored(item, by)
    _refuse_unless_step(stored, "investigate")
    notes = _texts(investigation=notes)["investigation"]
    if not notes:
        raise ValidationError({"investigation": _("Say what will be investigated.")})
    again = stored.status == Status.RESPONDED
    stored.set_status(
        Status.INVESTIGATING,
        by=by,
        reason=_("Investigated again") if again else _("Investigation started"),
    )
    stored.investigation = notes
    stored.save()
    return stored


@transaction.atomic
def feedback_respond(
    *, item: FeedbackItem, by: User | None, decision: str, at: datetime | None = None
) -> FeedbackItem:
    """Record the decision and communicate it: emailed to the sender in their language,
    with their status link, when an address is known. A new decision waits for the
    customer's reply again."""
    stored = _stored(item, by)
    _refuse_unless_step(stored, "respond")
    decision = _texts(decision=decision)["decision"]
    if not decision:
        raise ValidationError({"decision": _("Write the decision to communicate.")})
    stored.set_status(Status.RESPONDED, by=by, reason=_("Decision communicated"))
    previous = stored.assessed_at if stored.is_complaint else stored.acknowledged_at
    stored.responded_at = _when(stored, at, after=previous or stored.received_at, field="at")
    stored.decision = decision
    stored.acceptance = Acceptance.PENDING
    stored.recourse = ""
    stored.recourse_outcome = ""
    stored.save()
    if stored.address:
        _email_sender(stored, template="feedback_decision", purpose="feedback decision", by=by)
    return stored


@transaction.atomic
def feedback_record_reply(
    *,
    item: FeedbackItem,
    by: User | None,
    accepted: bool,
    recourse: str = "",
    recourse_outcome: str = "",
) -> FeedbackItem:
    """Record whether the customer accepted the decision of a complaint; when they did
    not, the recourse offered, and once known its outcome. The complaint stays
    responded: it closes when accepted, or not accepted with the outcome recorded."""
    stored = _stored(item, by)
    _refuse_unless_step(stored, "reply")
    outcome = _texts(recourse_outcome=recourse_outcome)["recourse_outcome"]
    if accepted:
        stored.acceptance, stored.recourse, stored.recourse_outcome = Acceptance.ACCEPTED, "", ""
        reason = _("The customer accepted the decision")
    else:
        if recourse not in FeedbackItem.Recourse.values or not recourse:
            raise ValidationError(
                {
                    "recourse": _(
                        "Say which recourse was offered to the customer who did not accept."
                    )
                }
            )
        stored.acceptance, stored.recourse, stored.recourse_outcome = (
            Acceptance.NOT_ACCEPTED,
            recourse,
            outcome,
        )
        reason = _("The customer did not accept the decision")
    attribute_change(stored, by=by, reason=reason)
    stored.save()
    return stored


@transaction.atomic
def feedback_close(
    *, item: FeedbackItem, by: User | None, resolution: str = "", at: datetime | None = None
) -> FeedbackItem:
    """Close an item. A complaint closes once the customer accepted the decision, or
    did not and the outcome of the recourse offered is recorded; the other kinds
    close with a note of how they were resolved."""
    stored = _stored(item, by)
    resolution = _texts(resolution=resolution)["resolution"]
    _refuse_unless_step(stored, "close")
    if not stored.is_complaint and not resolution:
        raise ValidationError({"resolution": _("Say how this was resolved.")})
    stored.set_status(Status.CLOSED, by=by, reason=resolution or _("Closed"))
    after = stored.responded_at or stored.acknowledged_at or stored.received_at
    stored.closed_at = _when(stored, at, after=after, field="at")
    if resolution:
        stored.resolution = resolution
    stored.save()
    return stored


@transaction.atomic
def feedback_reopen(*, item: FeedbackItem, by: User | None, reason: str) -> FeedbackItem:
    """Reopen a closed item, with the reason: a complaint goes back to investigating,
    another kind to received. Only a closed item reopens. Its close-by date starts
    again from now (a reopened complaint gets its full time), and so does its
    escalation; the previous outcome leaves the current record (its history keeps it)."""
    stored = _stored(item, by)
    _refuse_unless_step(stored, "reopen")
    reason = _texts(reason=reason)["reason"]
    if not reason:
        raise ValidationError({"reason": _("Say why it is reopened.")})
    target = Status.INVESTIGATING if stored.is_complaint else Status.RECEIVED
    stored.set_status(target, by=by, reason=_("Reopened: %(reason)s") % {"reason": reason})
    stored.closed_at = None
    stored.acceptance = Acceptance.PENDING
    stored.recourse = stored.recourse_outcome = stored.resolution = ""
    stored.due_at = targets_for(
        kind=stored.kind, received_at=timezone.now(), severity=stored.severity
    )["due_at"]
    stored.escalated_at, stored.escalation_level = None, 0
    stored.save()
    return stored


@transaction.atomic
def feedback_assign(*, item: FeedbackItem, by: User | None, owner: User) -> FeedbackItem:
    """Give an item to an owner (quality managers); the new owner is told by email."""
    stored = lock_stored(item, "contact", "customer")
    ensure_editable(stored)
    if by is not None and not by.has_perm("feedback.handle_any_feedbackitem"):
        raise Refusal(_("Only a quality manager assigns feedback to people."))
    if not may_handle_feedback(owner):
        raise ValidationError(
            {"owner": _("Choose someone who handles feedback (staff or a quality manager).")}
        )
    if stored.owner_id == owner.pk:
        return stored
    stored.owner = owner
    attribute_change(stored, by=by, reason=_("Assigned to %(owner)s") % {"owner": owner})
    stored.save()
    if owner != by and owner.email:
        email_queue(
            to=owner.email,
            purpose="complaint assigned",
            template="complaint_assigned",
            context={"item": stored, "person": owner, "by": by},
            related=stored,
            by=by,
        )
    return stored


@transaction.atomic
def feedback_convert(*, item: FeedbackItem, by: User | None, reason: str = "") -> FeedbackItem:
    """Turn feedback that meets the definition of a complaint into one.

    A new complaint is made from it, linked to it (and, for a follow-up, to the
    survey response it came from). It keeps the source's received date, and so its
    targets; a source already acknowledged is not acknowledged again (the complaint
    says it was acknowledged as the source), one that was not is acknowledged now. The
    source closes saying what it became, so the complaint count is honest.
    """
    stored = _stored(item, by)
    _refuse_unless_step(stored, "convert")
    made = stored.turned_into.filter(voided_at__isnull=True).first()
    if made is not None:
        raise Refusal(
            _("%(item)s was already turned into complaint %(complaint)s.")
            % {"item": stored.reference, "complaint": made.reference}
        )
    reason = _texts(reason=reason)["reason"]
    if not reason:
        raise ValidationError({"reason": _("Say why this feedback is a complaint.")})
    complaint = feedback_receive(
        kind=Kind.COMPLAINT,
        channel=stored.channel,
        description=stored.description,
        language=stored.language,
        subject=stored.subject,
        customer=stored.customer,
        contact=stored.contact,
        product=stored.product,
        sender_name=stored.sender_name,
        sender_email=stored.sender_email,
        owner=_first_handler(stored.owner, default_owner(stored.customer), by),
        received_at=stored.received_at,
        by=by,
        acknowledge=stored.acknowledged_at is None,
        source_item=stored,
        source_type=stored.source_type,
        source_id=stored.source_id,
    )
    if stored.acknowledged_at is not None:
        how = _("acknowledged as %(item)s") % {"item": stored.reference}
        complaint.set_status(Status.ACKNOWLEDGED, by=by, reason=how)
        complaint.acknowledged_at = stored.acknowledged_at
        complaint.acknowledged_how = how
        complaint.save()
    if stored.status != Status.CLOSED:
        said = _("Turned into complaint %(complaint)s: %(reason)s") % {
            "complaint": complaint.reference,
            "reason": reason,
        }
        stored.set_status(Status.CLOSED, by=by, reason=said)
        stored.closed_at = timezone.now()
        stored.resolution = said
        stored.save()
    return complaint


EDITABLE_FIELDS = (
    "kind",
    "channel",
    "subject",
    "description",
    "customer",
    "contact",
    "product",
    "sender_name",
    "sender_email",
    "language",
    "received_at",
)


@transaction.atomic
def feedback_edit(*, item: FeedbackItem, by: User | None) -> FeedbackItem:
    """Save the descriptive fields of an open item as ``item`` holds them (a form's
    instance); its status and handling are changed only by the workflow."""
    stored = _stored(item, by)
    ensure_editable(stored)
    fields = [f for f in EDITABLE_FIELDS if f != "kind"]
    received_before = stored.received_at
    for field in fields:
        setattr(stored, field, getattr(item, field))
    if stored.received_at != received_before:
        _check_received(stored)
        # The targets count from the day it was received.
        targets = targets_for(
            kind=stored.kind, received_at=stored.received_at, severity=stored.severity
        )
        for field, value in targets.items():
            setattr(stored, field, value)
    stored.full_clean()
    attribute_change(stored, by=by)
    stored.save()
    return stored


def _check_received(stored: FeedbackItem) -> None:
    """Refuse a received date after a step already recorded (or in the future)."""
    steps = [
        (stored.acknowledged_at, _("acknowledged")),
        (stored.assessed_at, _("assessed")),
        (stored.responded_at, _("responded to")),
        (stored.closed_at, _("closed")),
    ]
    for when, step in steps:
        if when is not None and stored.received_at > when:
            raise ValidationError(
                {
                    "received_at": _(
                        "It cannot be received after it was %(step)s (%(when)s): check the date."
                    )
                    % {"step": step, "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")}
                }
            )


@transaction.atomic
def feedback_attach(
    *, item: FeedbackItem, by: User | None, files: Sequence[Any]
) -> list[Attachment]:
    """Add files to an open item, within the same limits as the feedback form."""
    stored = _stored(item, by)
    ensure_editable(stored)
    if not files:
        raise ValidationError({"files": _("Choose a file to attach.")})
    held = stored.attachments.count()
    if held + len(files) > settings.FEEDBACK_ATTACHMENT_MAX_FILES:
        raise ValidationError(
            {
                "files": _("An item holds at most %(count)s files; this one has %(held)s.")
                % {"count": settings.FEEDBACK_ATTACHMENT_MAX_FILES, "held": held}
            }
        )
    checked = check_uploads(files)
    _attach(stored, checked, by=by)
    return list(stored.attachments.all())


def feedback_void(*, item: FeedbackItem, by: User, reason: str) -> Any:
    """Void an item recorded in error (a duplicate, a test): quality managers only,
    since a voided complaint leaves the figures."""
    if not by.has_perm("feedback.handle_any_feedbackitem"):
        raise Refusal(_("Only a quality manager voids feedback items."))
    with transaction.atomic():
        _stored(item, by)
        return record_void(record=item, by=by, reason=reason)


# Escalation ---------------------------------------------------------------------------


def quality_managers() -> list[User]:
    """Return the active people who handle any feedback and have an address."""
    return list(people_with_perm("handle_any_feedbackitem").exclude(email="").order_by("pk"))


def feedback_escalate(*, now: datetime | None = None) -> int:
    """Escalate overdue open complaints and follow-ups: email their owner and the
    quality managers, and count the escalation. An item is escalated again only
    after ``ESCALATION_REPEAT_HOURS`` while it stays overdue; each escalation is
    claimed with a conditional update, so two workers never send it twice. Return how
    many items were escalated."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.ESCALATION_REPEAT_HOURS)
    not_lately = Q(escalated_at__isnull=True) | Q(escalated_at__lte=since)
    late = overdue_condition(now) | (
        acknowledgement_overdue_condition(now) & Q(kind=Kind.COMPLAINT)
    )
    due = (
        FeedbackItem.objects.filter(late)
        .filter(kind__in=[Kind.COMPLAINT, Kind.FOLLOW_UP])
        .filter(not_lately)
        .with_flags(now)
        .select_related("owner", "customer")
        .order_by("due_at", "pk")
    )
    managers = quality_managers()
    escalated = 0
    for item in due:
        with transaction.atomic():
            claimed = (
                FeedbackItem.objects.filter(pk=item.pk, escalation_level=item.escalation_level)
                .filter(not_lately)
                .update(escalated_at=now, escalation_level=F("escalation_level") + 1)
            )
            if not claimed:
                continue
            item.escalation_level += 1
            item.escalated_at = now
            people = {person.pk: person for person in managers}
            if item.owner is not None and item.owner.is_active and item.owner.email:
                people[item.owner.pk] = item.owner
            for person in people.values():
                email_queue(
                    to=person.email,
                    purpose="complaint escalation",
                    template="complaint_escalation",
                    context={"item": item, "person": person, "owner": item.owner, "now": now},
                    related=item,
                )
            escalated += 1
    return escalated
