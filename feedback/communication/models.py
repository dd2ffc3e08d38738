"""The communication log and plan (7.4, 8.2.1).

A **communication** is what staff record by hand: a call, a meeting, a visit, a
letter, a video call, with a customer's contact or with an internal audience. The
log shows these beside every email the system sent (``core.models.OutboundEmail``,
read where it is, never copied).

The **plan** says what is communicated, when or how often, with whom, how and by
whom. It is a controlled document: its rows (``PlanRow``) are the draft; approving
the draft makes a numbered ``PlanVersion`` that copies every row as it stood
(``PlanVersionRow``), and the plan in force on a date is the version approved last
on or before it. A row's next due date is not part of the document: it moves on as
communications fulfil the row.
"""

import calendar
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import record_history
from core.limits import TEXT_MAX_LENGTH
from core.records import VoidableModel, VoidableQuerySet
from core.versions import VersionedFields
from customers.models import Contact, Customer, Segment

__all__ = [
    "Audience",
    "Channel",
    "Communication",
    "Direction",
    "Frequency",
    "PlanRow",
    "PlanVersion",
    "PlanVersionRow",
]


class Channel(models.TextChoices):
    """How something is communicated: the log's and the plan's one list."""

    PHONE = "phone", _("Phone call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    VIDEO = "video", _("Video call")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    MESSAGE = "message", _("Message or chat")
    NEWSLETTER = "newsletter", _("Newsletter")
    SURVEY = "survey", _("Survey")
    NOTICE = "notice", _("Notice board or intranet")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    """With whom: customers (all, a segment, one) or an internal audience."""

    ALL_CUSTOMERS = "customers", _("All customers")
    SEGMENT = "segment", _("A segment of customers")
    CUSTOMER = "customer", _("One customer")
    STAFF = "staff", _("Staff")
    TOP_MANAGEMENT = "top_management", _("Top management")
    EVERYONE = "everyone", _("Everyone in the organisation")


INTERNAL_AUDIENCES = (Audience.STAFF, Audience.TOP_MANAGEMENT, Audience.EVERYONE)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")
    ON_EVENT = "on_event", _("When an event happens")


# Months (or, for weekly, days) a frequency moves a due date on by.
FREQUENCY_MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later (or earlier), on the month's last day when
    the month is shorter (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def step(day: date, frequency: str, times: int = 1) -> date:
    """Return ``day`` moved on by ``times`` periods of the frequency."""
    if frequency == Frequency.WEEKLY:
        return day + timedelta(days=7 * times)
    if frequency in FREQUENCY_MONTHS:
        return add_months(day, FREQUENCY_MONTHS[frequency] * times)  # type: ignore[index]
    raise ValueError(f"{frequency!r} has no period")


class Direction(models.TextChoices):
    OUT = "out", _("Outgoing: we reached them")
    IN = "in", _("Incoming: they reached us")


# The plan's content: a change to any of these is a change of the document. Declared
# once for the row, its copy in each version and the comparison.
PLAN_CONTENT = VersionedFields(
    "subject",
    "audience",
    "segment",
    "customer",
    "frequency",
    "event",
    "channel",
    "responsible",
    "notes",
)


class PlanRowQuerySet(VoidableQuerySet):
    def in_force(self) -> "PlanRowQuerySet":
        """Return the rows in the plan in force (approved, not since withdrawn)."""
        return self.filter(in_force_as__isnull=False)

    def overdue(self, today: date | None = None) -> "PlanRowQuerySet":
        """Return the rows in force whose next due date has passed.

        The plan page's flag, the home panel and the reminders read this;
        ``PlanRow.is_overdue`` is the same rule for one row.
        """
        return self.in_force().filter(next_due__lt=today or timezone.localdate())


class PlanRow(VoidableModel):
    """A row of the communication plan as it stands in the draft.

    ``in_force_as`` is the row's copy in the version in force (None while it has
    never been approved, or once a version left it out). A row the draft removes is
    ``withdrawn``: it stays in force until the draft is approved.
    """

    subject = models.CharField(
        _("what is communicated"),
        max_length=200,
        help_text=_("For example “Service review”, “Quality objectives and results”."),
    )
    audience = models.CharField(_("with whom"), max_length=16, choices=Audience.choices)
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    event = models.CharField(
        _("on which event"),
        max_length=200,
        blank=True,
        help_text=_("For a communication made when something happens: say what happens."),
    )
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who is responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=TEXT_MAX_LENGTH)
    next_due = models.DateField(
        _("next due"),
        null=True,
        blank=True,
        help_text=_("Moves on by the frequency each time a logged communication fulfils it."),
    )
    withdrawn = models.BooleanField(_("to be removed"), default=False, editable=False)
    in_force_as = models.OneToOneField(
        "PlanVersionRow",
        verbose_name=_("as in force"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The due date whose overdue reminder went out: one reminder per due date.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = record_history(no_db_index=["voided_by", "segment", "customer", "responsible"])
    objects = PlanRowQuerySet.as_manager()  # type: ignore[misc]  # narrows the base's

    CONTENT = PLAN_CONTENT

    class Meta:
        verbose_name = _("communication plan row")
        verbose_name_plural = _("communication plan rows")
        ordering = ["subject", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(audience="segment", segment__isnull=False, customer__isnull=True)
                    | Q(audience="customer", customer__isnull=False, segment__isnull=True)
                    | (
                        ~Q(audience__in=["segment", "customer"])
                        & Q(segment__isnull=True, customer__isnull=True)
                    )
                ),
                name="feedback_planrow_audience_fits",
                violation_error_message=_(
                    "A segment goes with “a segment of customers”, a customer with “one "
                    "customer”, and neither with any other audience."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(frequency="on_event") & ~Q(event="") & Q(next_due__isnull=True))
                | (~Q(frequency="on_event") & Q(event="")),
                name="feedback_planrow_event_or_period",
                violation_error_message=_(
                    "A communication made on an event names the event and has no due date; "
                    "one made on a schedule names no event."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("feedback:plan_row_detail", args=[self.pk])

    @property
    def is_in_force(self) -> bool:
        return self.in_force_as_id is not None

    @property
    def is_overdue(self) -> bool:
        """Return ``PlanRowQuerySet.overdue`` for this one row."""
        return (
            self.is_in_force and self.next_due is not None and self.next_due < timezone.localdate()
        )

    @property
    def is_internal(self) -> bool:
        return self.audience in INTERNAL_AUDIENCES

    @property
    def whom(self) -> str:
        """Return with whom, in words: "Acme Ltd", "Segment: Retail", "Staff"."""
        if self.audience == Audience.CUSTOMER and self.customer is not None:
            return str(self.customer)
        if self.audience == Audience.SEGMENT and self.segment is not None:
            return str(_("Segment: %(name)s") % {"name": self.segment})
        return str(self.get_audience_display())


class PlanVersion(models.Model):
    """An approved version of the communication plan (append-only)."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    change_summary = models.TextField(_("what changed and why"), max_length=TEXT_MAX_LENGTH)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        verbose_name = _("communication plan version")
        ordering = ["-number"]
        permissions = [("approve_planversion", _("Can approve the communication plan"))]

    def __str__(self) -> str:
        return str(_("Communication plan, version %(number)s") % {"number": self.number})

    def get_absolute_url(self) -> str:
        return f"{reverse('feedback:plan')}?version={self.number}"


class PlanVersionRow(models.Model):
    """A row of the plan as one version froze it."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="rows")
    row = models.ForeignKey(PlanRow, on_delete=models.PROTECT, related_name="versions")
    subject = models.CharField(_("what is communicated"), max_length=200)
    audience = models.CharField(_("with whom"), max_length=16, choices=Audience.choices)
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    event = models.CharField(_("on which event"), max_length=200, blank=True)
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who is responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=TEXT_MAX_LENGTH)
    # The due date as the row stood when the version was approved (for reading only).
    next_due = models.DateField(_("next due"), null=True, blank=True)

    class Meta:
        verbose_name = _("communication plan version row")
        ordering = ["subject", "row_id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "row"], name="feedback_plan_row_once")
        ]

    def __str__(self) -> str:
        return self.subject

    # The same reading of with whom as the row's.
    whom = PlanRow.whom
    is_internal = PlanRow.is_internal


class CommunicationQuerySet(VoidableQuerySet):
    def about_customer(self, customer: Customer) -> "CommunicationQuerySet":
        """Return the active communications with the customer (its timeline's)."""
        return self.filter(voided_at__isnull=True, customer=customer)


class Communication(VoidableModel):
    """A communication staff record by hand: with a customer's contact, or internal."""

    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.OUT
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("when it happened"))
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communications",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communications",
    )
    audience = models.CharField(
        _("internal audience"),
        max_length=16,
        blank=True,
        choices=[(a.value, a.label) for a in INTERNAL_AUDIENCES],
        help_text=_("For an internal communication, instead of a customer."),
    )
    summary = models.CharField(_("summary"), max_length=200)
    details = models.TextField(_("details"), blank=True, max_length=TEXT_MAX_LENGTH)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who communicated"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan_row = models.ForeignKey(
        PlanRow,
        verbose_name=_("fulfils the planned communication"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfilments",
    )
    # The plan row's next due date before and after this entry moved it on; voiding
    # the entry moves it back if nothing moved it since.
    due_before = models.DateField(null=True, blank=True, editable=False)
    due_after = models.DateField(null=True, blank=True, editable=False)
    # What caused it (a feedback item, a requirement change...), when anything did.
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    caused_by = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = record_history(
        no_db_index=["voided_by", "customer", "contact", "handled_by", "plan_row", "created_by"]
    )
    objects = CommunicationQuerySet.as_manager()  # type: ignore[misc]  # narrows the base's

    class Meta:
        verbose_name = _("communication")
        ordering = ["-occurred_at", "-pk"]
        permissions = [
            ("edit_any_communication", _("Can change or void communications others recorded"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(customer__isnull=False) & Q(audience=""))
                | (Q(customer__isnull=True, contact__isnull=True) & ~Q(audience="")),
                name="feedback_communication_customer_or_internal",
                violation_error_message=_(
                    "A communication is with a customer or with an internal audience, not both."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["occurred_at", "id"], name="feedback_comm_when"),
            models.Index(fields=["customer", "occurred_at"], name="feedback_comm_customer"),
            models.Index(fields=["content_type", "object_id"], name="feedback_comm_caused_by"),
        ]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("feedback:communication_detail", args=[self.pk])

    @property
    def is_internal(self) -> bool:
        return not self.customer_id

    @property
    def whom(self) -> str:
        if self.customer_id:
            return f"{self.contact} ({self.customer})" if self.contact_id else str(self.customer)
        return str(self.get_audience_display())


def local_day(moment: datetime) -> date:
    """Return the day a moment falls on, in the site's time zone."""
    return timezone.localdate(moment)


def caused_by_url(record: Any) -> str:
    """Return the page of what caused a communication or an email, or "" without one
    (a record without a page, or whose page is not installed yet)."""
    if record is None or not hasattr(record, "get_absolute_url"):
        return ""
    try:
        return str(record.get_absolute_url())
    except NoReverseMatch:
        return ""
