"""Feedback items and the complaint workflow (8.2.1; ISO 10002 practice).

A **feedback item** is anything a customer tells the organisation: a complaint, a
compliment, a suggestion, an enquiry, or a follow-up (opened for an account owner when
a survey answer needs a call back). A complaint moves along the ISO 10002 workflow:
received, acknowledged, assessed, investigating, responded, closed; it closes only when
the customer accepts the decision, or, when they do not, once the recourse offered and
its outcome are recorded. The other kinds take a shorter path. A **feedback link**
identifies the sender of the public form (a random token, only its hash stored);
**attachments** are private files.

Kept whole past 500 lines: it is declarations (three models and the workflow's table
and step rules, which the services, views and jobs all read).
"""

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFileField
from core.history import record_history
from core.limits import TEXT_MAX_LENGTH, over_limit
from core.models import User
from core.records import VoidableModel, VoidableQuerySet, WorkflowModel
from customers.models import Contact, Customer, ProductService

REFERENCE_PREFIX = "FB-"
# Clocks differ by a little: a time "now" from another machine is not in the future.
FUTURE_SLACK = timedelta(minutes=5)


def reference_of(pk: int) -> str:
    """Return the reference people quote for the item with this key ("FB-000042")."""
    return f"{REFERENCE_PREFIX}{pk:06d}"


class FeedbackItemQuerySet(VoidableQuerySet):
    def complaints(self) -> "FeedbackItemQuerySet":
        return self.filter(kind=FeedbackItem.Kind.COMPLAINT)

    def open(self) -> "FeedbackItemQuerySet":
        return self.exclude(status=FeedbackItem.Status.CLOSED)

    def overdue(self, now: Any = None) -> "FeedbackItemQuerySet":
        """Return the open items past their target date: one definition for the list
        filter, the figures, the home page and the escalation job."""
        return self.filter(overdue_condition(now))

    def acknowledgement_overdue(self, now: Any = None) -> "FeedbackItemQuerySet":
        """Return the items not yet acknowledged past their acknowledge-by date."""
        return self.filter(acknowledgement_overdue_condition(now))

    def unowned(self) -> "FeedbackItemQuerySet":
        return self.filter(UNOWNED)

    def with_flags(self, now: Any = None) -> "FeedbackItemQuerySet":
        """Annotate each item with ``acknowledgement_late``, read by the list and the
        item's page from the same condition as the filter."""
        return self.annotate(
            acknowledgement_late=models.ExpressionWrapper(
                acknowledgement_overdue_condition(now), output_field=models.BooleanField()
            )
        )


def overdue_condition(now: Any = None) -> models.Q:
    """Return the condition "open, not voided and past its target date" (``overdue``),
    for a count beside others in one query."""
    now = now or timezone.now()
    return ~models.Q(status=FeedbackItem.Status.CLOSED) & models.Q(
        voided_at__isnull=True, due_at__lt=now
    )


def acknowledgement_overdue_condition(now: Any = None) -> models.Q:
    """Return the condition "not voided, still received (not acknowledged) and past its
    acknowledge-by date": one definition for the flag, the list filter, the home page
    and the escalation job."""
    now = now or timezone.now()
    return models.Q(
        voided_at__isnull=True,
        status=FeedbackItem.Status.RECEIVED,
        acknowledged_at__isnull=True,
        acknowledge_due_at__lt=now,
    )


# An item nobody handles: the home page's count and the list's filter.
UNOWNED = models.Q(owner__isnull=True)


def may_handle_feedback(user: Any) -> bool:
    """Return whether the person may own feedback: active, with the permission to
    change feedback items (staff and quality managers). One rule for the default
    owner, assigning and the owner chooser."""
    return bool(
        user is not None
        and getattr(user, "is_active", False)
        and user.has_perm("feedback.change_feedbackitem")
    )


def people_with_perm(codename: str) -> Any:
    """Return the active people granted this feedback permission, by a group or in
    person (the owner chooser, the quality managers told of an unowned complaint)."""
    granted = models.Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label="feedback",
    ) | models.Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label="feedback",
    )
    return User.objects.filter(granted, is_active=True).distinct()


# The chooser of the people who may own feedback (registered in hooks.py).
HANDLERS = "feedback_handlers"


def feedback_handlers() -> Any:
    """Return the people who may own feedback (``may_handle_feedback`` as a query)."""
    return people_with_perm("change_feedbackitem")


# Why a step of the workflow is not offered now (``FeedbackItem.step_refusal``).
STEP_REFUSALS = {
    "complaint_only": _("Only a complaint is assessed and investigated; %(item)s is a %(kind)s."),
    "acknowledge": _("Only a received item is acknowledged; %(item)s is %(status)s."),
    "assess": _(
        "A complaint is assessed once it is acknowledged and until the decision is "
        "communicated; %(item)s is %(status)s."
    ),
    "investigate": _(
        "An investigation starts once the complaint is assessed, or again after the "
        "decision; %(item)s is %(status)s."
    ),
    "respond": _(
        "The decision is communicated once the complaint is assessed; %(item)s is %(status)s."
    ),
    "respond_other": _("An answer is given once the item is acknowledged; %(item)s is %(status)s."),
    "reply": _(
        "The customer's reply is recorded once the decision is communicated; "
        "%(item)s is %(status)s."
    ),
    "close": _(
        "A complaint closes once the decision is communicated and the customer's reply "
        "recorded; %(item)s is %(status)s."
    ),
    "closed": _("%(item)s is already closed."),
    "reopen": _("Only a closed complaint can be reopened."),
    "reopen_other": _("Only a closed item can be reopened."),
    "convert": _("%(item)s is already a complaint."),
}


class FeedbackItem(VoidableModel, WorkflowModel):
    """One piece of feedback from a customer, and for a complaint its handling."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        COMPLIMENT = "compliment", _("Compliment")
        SUGGESTION = "suggestion", _("Suggestion")
        ENQUIRY = "enquiry", _("Enquiry")
        FOLLOW_UP = "follow_up", _("Follow-up")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        WEB_FORM = "web_form", _("Web form")
        SURVEY = "survey", _("Survey")
        IN_PERSON = "in_person", _("In person")
        LETTER = "letter", _("Letter")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ASSESSED = "assessed", _("Assessed")
        INVESTIGATING = "investigating", _("Investigating")
        RESPONDED = "responded", _("Responded")
        CLOSED = "closed", _("Closed")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Acceptance(models.TextChoices):
        PENDING = "pending", _("Not yet known")
        ACCEPTED = "accepted", _("Accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    class Recourse(models.TextChoices):
        NONE = "", _("None offered")
        REVIEW = "review", _("Review by someone else")
        ESCALATION = "escalation", _("Escalation to management")
        EXTERNAL = "external", _("External dispute resolution")

    # The complaint workflow (ISO 10002): a complaint that is not accepted goes back
    # to investigating (a review by someone else) or stays responded until the
    # recourse's outcome is recorded; a closed one reopens to investigating.
    COMPLAINT_TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.RECEIVED: frozenset({Status.ACKNOWLEDGED}),
        Status.ACKNOWLEDGED: frozenset({Status.ASSESSED}),
        Status.ASSESSED: frozenset({Status.INVESTIGATING, Status.RESPONDED}),
        Status.INVESTIGATING: frozenset({Status.RESPONDED}),
        Status.RESPONDED: frozenset({Status.CLOSED, Status.INVESTIGATING}),
        Status.CLOSED: frozenset({Status.INVESTIGATING}),
    }
    # Compliments, suggestions, enquiries and follow-ups: acknowledged, answered where
    # an answer is due, closed; a closed one can be reopened.
    OTHER_TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.RECEIVED: frozenset({Status.ACKNOWLEDGED, Status.CLOSED}),
        Status.ACKNOWLEDGED: frozenset({Status.RESPONDED, Status.CLOSED}),
        Status.RESPONDED: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset({Status.RECEIVED}),
    }
    TRANSITIONS = COMPLAINT_TRANSITIONS
    LOCKED_STATUSES = frozenset({Status.CLOSED})

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("received by"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    product = models.ForeignKey(
        ProductService,
        verbose_name=_("product or service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    # Who wrote in when no contact is known (the anonymous public form).
    sender_name = models.CharField(_("sender's name"), max_length=150, blank=True)
    sender_email = models.EmailField(_("sender's email address"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_feedback",
    )
    # Where it came from when it arrived by another route: the feedback item it was
    # turned from (a survey comment's follow-up), or any record (a survey response).
    source_item = models.ForeignKey(
        "self",
        verbose_name=_("turned from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="turned_into",
    )
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True
    )
    source_id = models.CharField(max_length=64, blank=True)
    # The one-time key of the public form's rendering it was sent from: a second post
    # with the same key (a double tap, a retried request) shows this item again
    # instead of making another. Empty (NULL) for items staff record.
    submission_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )

    # Assessment (complaints).
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    remedy_sought = models.TextField(
        _("remedy the customer seeks"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    justified = models.BooleanField(_("justified"), null=True, blank=True)
    reveals_nonconformity = models.BooleanField(_("reveals a nonconformity"), null=True, blank=True)
    assessment = models.TextField(_("assessment"), blank=True, max_length=TEXT_MAX_LENGTH)
    investigation = models.TextField(_("investigation"), blank=True, max_length=TEXT_MAX_LENGTH)
    # The decision and whether the customer accepted it.
    decision = models.TextField(_("decision"), blank=True, max_length=TEXT_MAX_LENGTH)
    acceptance = models.CharField(
        _("customer accepted the decision"),
        max_length=12,
        choices=Acceptance.choices,
        default=Acceptance.PENDING,
    )
    recourse = models.CharField(
        _("recourse offered"), max_length=10, choices=Recourse.choices, blank=True
    )
    recourse_outcome = models.TextField(
        _("outcome of the recourse"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    resolution = models.TextField(_("resolution"), blank=True, max_length=TEXT_MAX_LENGTH)

    # Targets and when each step happened.
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    due_at = models.DateTimeField(_("close by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    # How it was acknowledged when not by the automatic email (a call, a letter).
    acknowledged_how = models.CharField(_("how it was acknowledged"), max_length=200, blank=True)
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("last escalated"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalations"), default=0)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FeedbackItemQuerySet.as_manager()  # type: ignore[misc]  # narrows the base's
    history = record_history(
        no_db_index=["voided_by", "customer", "contact", "product", "submission_key"]
    )

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("handle_any_feedbackitem", _("Can handle feedback assigned to anyone")),
        ]
        indexes = [
            models.Index(fields=["kind", "status", "due_at"], name="feedback_item_kind_due"),
            models.Index(fields=["customer", "received_at"], name="feedback_item_customer"),
            models.Index(fields=["contact"], name="feedback_item_contact"),
            models.Index(fields=["owner", "status"], name="feedback_item_owner"),
            models.Index(fields=["received_at"], name="feedback_item_received"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        # A TextField's max_length binds forms only: held here for every writer.
        too_long = {
            field.name: message
            for field in self._meta.concrete_fields
            if isinstance(field, models.TextField)
            and field.max_length
            and (message := over_limit(getattr(self, field.name) or "", field.max_length))
        }
        if too_long:
            raise ValidationError(too_long)
        if (
            self.contact is not None
            and self.customer_id
            and self.contact.customer_id != self.customer_id
        ):
            raise ValidationError(
                {"contact": _("This contact is not one of the chosen customer's contacts.")}
            )
        if self.received_at and self.received_at > timezone.now() + FUTURE_SLACK:
            raise ValidationError(
                {"received_at": _("Feedback cannot be received in the future: check the date.")}
            )

    def get_absolute_url(self) -> str:
        return reverse("feedback:item_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return reference_of(self.pk) if self.pk else ""

    @property
    def is_complaint(self) -> bool:
        return self.kind == self.Kind.COMPLAINT

    def allowed_transitions(self) -> frozenset[str]:
        table = self.COMPLAINT_TRANSITIONS if self.is_complaint else self.OTHER_TRANSITIONS
        return table.get(self.status, frozenset())

    def handled_by(self, user: Any) -> bool:
        """Return whether the user may handle this item: a quality manager any item,
        staff the items they own; everyone else reads it. One rule for the services'
        refusals and the pages' buttons."""
        if user is None or not getattr(user, "is_active", False):
            return False
        if user.has_perm("feedback.handle_any_feedbackitem"):
            return True
        return bool(
            self.owner_id is not None and self.owner_id == user.pk and may_handle_feedback(user)
        )

    def step_refusal(self, step: str) -> str:
        """Return why the step of the workflow cannot be taken now, or "" when it can:
        one rule for the services' refusals, the buttons offered and the step pages."""
        said = {
            "item": self.reference,
            "status": self.get_status_display().lower(),
            "kind": self.get_kind_display().lower(),
        }
        if step in {"assess", "investigate", "reply"} and not self.is_complaint:
            return str(STEP_REFUSALS["complaint_only"] % said)
        allowed, s = self.allowed_transitions(), self.Status
        blocked = {
            "acknowledge": s.ACKNOWLEDGED not in allowed,
            "assess": self.status not in (s.ACKNOWLEDGED, s.ASSESSED, s.INVESTIGATING),
            "investigate": self.status not in (s.ASSESSED, s.RESPONDED),
            "respond": s.RESPONDED not in allowed,
            "reply": self.status != s.RESPONDED,
            "close": s.CLOSED not in allowed,
            "reopen": self.status != s.CLOSED,
            "convert": self.is_complaint,
        }
        if not blocked.get(step, False):
            return self.closing_refusal() if step == "close" else ""
        key = step
        if step in {"respond", "reopen"} and not self.is_complaint:
            key = f"{step}_other"
        elif step == "close" and self.status == s.CLOSED:
            key = "closed"
        return str(STEP_REFUSALS[key] % said)

    @property
    def address(self) -> str:
        """Return where emails to the sender go: the contact's address, or the one the
        sender gave; "" when there is none (or the contact was erased)."""
        if self.contact_id and self.contact:
            return "" if self.contact.erased_at else self.contact.email
        return self.sender_email

    @property
    def sender_label(self) -> str:
        if self.contact_id and self.contact:
            return self.contact.name
        return self.sender_name

    def closing_refusal(self) -> str:
        """Return why the item cannot be closed now, or "" when it can (the close
        service refuses with it; the page says it instead of offering the button)."""
        if self.Status.CLOSED not in self.allowed_transitions():
            return ""  # the workflow's own message says it
        if not self.is_complaint:
            return ""
        if self.acceptance == self.Acceptance.PENDING:
            return str(
                _(
                    "Record the customer's reply first: a complaint closes when the "
                    "customer accepts the decision or, when they do not, once the outcome "
                    "of the recourse offered is recorded."
                )
            )
        if self.acceptance == self.Acceptance.NOT_ACCEPTED and not self.recourse_outcome.strip():
            return str(
                _(
                    "The customer did not accept the decision: record the outcome of the "
                    "recourse offered before closing the complaint."
                )
            )
        return ""

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != self.Status.CLOSED
            and self.due_at is not None
            and self.due_at < timezone.now()
        )


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never carries what the sender called the file (it may name
    # them); the original name is a field, pseudonymised on erasure.
    return f"feedback/{timezone.now():%Y/%m}/{instance.token}"


class Attachment(models.Model):
    """A file sent with a feedback item: private, served through the checked view."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.PROTECT, related_name="attachments")
    token = models.CharField(max_length=32, editable=False)
    # Empty once the file is deleted on the erasure of its sender's personal data: the
    # row stays as the record that a file was sent.
    file = PrivateFileField(_("file"), upload_to=attachment_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file_erased_at = models.DateTimeField(
        _("file removed on erasure"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def download(self, field_name: str) -> tuple[str, str]:
        """Return the name and type the private file view sends the file with: the
        sender's file name and the type its content was checked to be."""
        return self.original_name, self.content_type


class FeedbackLinkQuerySet(models.QuerySet):
    def usable(self, now: Any = None) -> "FeedbackLinkQuerySet":
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class FeedbackLink(models.Model):
    """A link for someone without an account: a random token, only its SHA-256 stored.

    A **form** link opens the public feedback form already knowing the contact (sent
    to a contact by staff); a **status** link shows the sender how their feedback item
    stands (sent in its acknowledgement). The token is in the email and nowhere else.
    """

    class Purpose(models.TextChoices):
        FORM = "form", _("Feedback form for a contact")
        STATUS = "status", _("Progress of a feedback item")

    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_links",
    )
    item = models.ForeignKey(
        FeedbackItem, on_delete=models.PROTECT, null=True, blank=True, related_name="links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = FeedbackLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback link")
        verbose_name_plural = _("feedback links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(purpose="form", contact__isnull=False, item__isnull=True)
                    | models.Q(purpose="status", item__isnull=False)
                ),
                name="feedback_link_names_its_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.pk}"

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=settings.FEEDBACK_LINK_VALID_DAYS)
