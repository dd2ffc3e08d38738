"""Needs, requirements and commitments (4.2, 5.1.2, 8.2.2-8.2.4).

A **need** is what a customer, a segment or another interested party needs or
expects; surveys later ask how well each is met. A **requirement** answers needs for
a product or service (and optionally one customer), with the claim the organisation
makes. A **commitment** (quote, order, contract) carries requirements; it is made
only after a **review** with an accepted outcome dated on or before it. Each change
to a requirement or a commitment makes a new **version**, reopens the reviews it
affects and asks the people concerned to **acknowledge** it.

The module is long because it is declarations: nine models whose keys point at one
another (a commitment names its current review, a review the change that reopened
it), each record beside the version model that copies it. Kept whole so that the
register's data reads in one place.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import record_history
from core.limits import TEXT_MAX_LENGTH
from core.records import VoidableModel, VoidableQuerySet, WorkflowModel
from core.versions import VersionedFields
from customers.register.models import Customer, ProductService, Segment


class Need(VoidableModel, WorkflowModel):
    """A need or expectation of a customer, a segment or another interested party."""

    class Kind(models.TextChoices):
        STATED = "stated", _("Stated")
        IMPLIED = "implied", _("Implied")
        STATUTORY = "statutory", _("Statutory or regulatory")
        ORGANISATION = "organisation", _("The organisation's own")

    class Horizon(models.TextChoices):
        CURRENT = "current", _("Current")
        FUTURE = "future", _("Expected in future")

    class Source(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        SURVEY = "survey", _("Survey")
        COMPLAINT = "complaint", _("Complaint")
        MARKET_RESEARCH = "market_research", _("Market research")
        CONTRACT = "contract", _("Contract")
        OTHER = "other", _("Other")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ADDRESSED = "addressed", _("Addressed")
        MONITORED = "monitored", _("Monitored")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.OPEN: frozenset({Status.ADDRESSED, Status.MONITORED, Status.CLOSED}),
        Status.ADDRESSED: frozenset({Status.MONITORED, Status.CLOSED, Status.OPEN}),
        Status.MONITORED: frozenset({Status.ADDRESSED, Status.CLOSED, Status.OPEN}),
        Status.CLOSED: frozenset({Status.OPEN}),
    }
    LOCKED_STATUSES = frozenset({Status.CLOSED})

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
    )
    other_party = models.CharField(
        _("other interested party"),
        max_length=150,
        blank=True,
        help_text=_("A regulator, a supplier, the community: when it is not a customer."),
    )
    title = models.CharField(_("need"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    horizon = models.CharField(
        _("current or future"), max_length=8, choices=Horizon.choices, default=Horizon.CURRENT
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_note = models.CharField(
        _("source details"),
        max_length=200,
        blank=True,
        help_text=_("Which meeting, survey, complaint or contract, for example."),
    )
    priority = models.CharField(
        _("priority"), max_length=6, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    requirements: "models.ManyToManyField[Requirement, Any]" = models.ManyToManyField(
        "Requirement",
        verbose_name=_("requirements that answer it"),
        blank=True,
        related_name="needs",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = record_history(m2m_fields=[requirements])

    class Meta:
        verbose_name = _("need")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(customer__isnull=False, segment__isnull=True, other_party="")
                    | Q(customer__isnull=True, segment__isnull=False, other_party="")
                    | (Q(customer__isnull=True, segment__isnull=True) & ~Q(other_party=""))
                ),
                name="customers_need_one_party",
                violation_error_message=_(
                    "Name exactly one party: a customer, a segment or another interested party."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("customers:need_detail", args=[self.pk])

    @property
    def party(self) -> Any:
        """Return whose need it is: a customer, a segment, or the other party's name."""
        return self.customer or self.segment or self.other_party


class RequirementQuerySet(VoidableQuerySet):
    def recheck_due(self, today: date | None = None) -> "RequirementQuerySet":
        """Return the requirements whose law or standard is overdue a check.

        The list's "Re-check due" flag, the home page's count and the reminders read
        this; ``Requirement.is_recheck_due`` is the same rule for one record.
        """
        return self.filter(
            Q(voided_at__isnull=True)
            & Q(recheck_due__lt=today or timezone.localdate())
            & ~Q(status__in=Requirement.UNCHECKED_STATUSES)
        )


class Requirement(VoidableModel, WorkflowModel):
    """A requirement for a product or service, optionally for one customer."""

    class Category(models.TextChoices):
        CUSTOMER = "customer", _("Specified by the customer")
        DELIVERY = "delivery", _("Delivery and post-delivery")
        STATUTORY = "statutory", _("Statutory and regulatory")
        INTENDED_USE = "intended_use", _("Needed for the intended use")
        ORGANISATION = "organisation", _("The organisation's own")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    TRANSITIONS = {
        Status.DRAFT: frozenset({Status.UNDER_REVIEW}),
        Status.UNDER_REVIEW: frozenset({Status.ACCEPTED, Status.REJECTED, Status.DRAFT}),
        Status.ACCEPTED: frozenset({Status.UNDER_REVIEW, Status.SUPERSEDED}),
        Status.REJECTED: frozenset({Status.DRAFT}),
        Status.SUPERSEDED: frozenset(),
    }
    LOCKED_STATUSES = frozenset({Status.REJECTED, Status.SUPERSEDED})
    # No longer in force: never due a re-check.
    UNCHECKED_STATUSES = (Status.REJECTED, Status.SUPERSEDED)
    # The fields a version keeps: a change to any of them is a change (8.2.4).
    VERSIONED = VersionedFields(
        "title",
        "text",
        "category",
        "claim",
        "product",
        "customer",
        "source",
        "source_clause",
        display={"customer": lambda v: v.customer.name if v.customer else _("Every customer")},
    )

    product = models.ForeignKey(
        ProductService,
        verbose_name=_("product or service"),
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirements",
        help_text=_("Leave empty for a requirement that holds for every customer."),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("requirement"), max_length=TEXT_MAX_LENGTH)
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    claim = models.TextField(
        _("claim"),
        blank=True,
        help_text=_("What the organisation claims for the product or service about it."),
        max_length=TEXT_MAX_LENGTH,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_requirements",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(
        _("law or standard"),
        max_length=200,
        blank=True,
        help_text=_("For a statutory or regulatory requirement: where it comes from."),
    )
    source_clause = models.CharField(_("clause"), max_length=60, blank=True)
    recheck_due = models.DateField(
        _("check again by"),
        null=True,
        blank=True,
        help_text=_("When the law or standard is next checked for changes."),
    )
    last_checked_on = models.DateField(_("last checked"), null=True, blank=True)
    # The due date the owner was last reminded of; a new due date reminds again.
    recheck_reminded_for = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = record_history()
    objects = RequirementQuerySet.as_manager()  # type: ignore[misc]  # narrows the base's

    class Meta:
        verbose_name = _("requirement")
        ordering = ["product__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="statutory") | (~Q(source="") & Q(recheck_due__isnull=False)),
                name="customers_requirement_statutory_has_source_and_recheck",
                violation_error_message=_(
                    "A statutory or regulatory requirement names its law or standard and "
                    "the date by which it is checked again."
                ),
            )
        ]
        indexes = [models.Index(fields=["recheck_due"], name="customers_requirement_recheck")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("customers:requirement_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"REQ-{self.pk:04}" if self.pk else "REQ"

    @property
    def is_recheck_due(self) -> bool:
        """Return whether the law or standard is overdue a check: one record's
        ``RequirementQuerySet.recheck_due``."""
        return (
            self.recheck_due is not None
            and self.recheck_due < timezone.localdate()
            and self.status not in self.UNCHECKED_STATUSES
            and not self.is_voided
        )


class RequirementVersion(models.Model):
    """The content of a requirement as it stood at one version; never changed."""

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("requirement"), max_length=TEXT_MAX_LENGTH)
    category = models.CharField(_("category"), max_length=14, choices=Requirement.Category.choices)
    claim = models.TextField(_("claim"), blank=True, max_length=TEXT_MAX_LENGTH)
    product = models.ForeignKey(
        ProductService,
        verbose_name=_("product or service"),
        on_delete=models.PROTECT,
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
    source = models.CharField(_("law or standard"), max_length=200, blank=True)
    source_clause = models.CharField(_("clause"), max_length=60, blank=True)
    reason = models.TextField(_("why it changed"), blank=True, max_length=TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("requirement version")
        ordering = ["requirement", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "number"], name="customers_requirement_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement.reference} v{self.number}"


class CommitmentQuerySet(VoidableQuerySet):
    def needs_review_again(self) -> "CommitmentQuerySet":
        """Return the flagged commitments: ``Commitment.needs_review_again_q``."""
        return self.filter(Commitment.needs_review_again_q())

    def not_reviewed(self) -> "CommitmentQuerySet":
        """Return the commitments not yet made that were never reviewed."""
        return self.filter(Commitment.not_reviewed_q())


class Commitment(VoidableModel, WorkflowModel):
    """A quote, an order or a contract: what the organisation commits to a customer."""

    class Kind(models.TextChoices):
        QUOTE = "quote", _("Quote")
        ORDER = "order", _("Order")
        CONTRACT = "contract", _("Contract")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not yet made")
        MADE = "made", _("Made")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Made is final: a change afterwards reopens the review instead (8.2.4).
    TRANSITIONS = {
        Status.DRAFT: frozenset({Status.MADE, Status.WITHDRAWN}),
        Status.WITHDRAWN: frozenset({Status.DRAFT}),
        Status.MADE: frozenset(),
    }
    LOCKED_STATUSES = frozenset({Status.WITHDRAWN})
    # The requirements it carries are kept too, each with the version carried.
    VERSIONED = VersionedFields(
        "kind",
        "reference",
        "title",
        "description",
        "committed_on",
        extra=["requirements"],
        display={
            "requirements": lambda v: "\n".join(
                f"{r['reference']} {r['title']} (v{r['version']})" for r in v.requirements
            )
        },
    )

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="commitments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reference = models.CharField(
        _("reference"),
        max_length=60,
        help_text=_("The quote, order or contract number, as the customer knows it."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("terms and scope"), blank=True, max_length=TEXT_MAX_LENGTH)
    committed_on = models.DateField(
        _("commitment date"), help_text=_("The date the organisation commits, or committed.")
    )
    requirements = models.ManyToManyField(
        Requirement,
        verbose_name=_("requirements it carries"),
        related_name="commitments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    made_at = models.DateTimeField(_("marked made"), null=True, blank=True, editable=False)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The latest review (the one recorded last, whatever its date); a change reopens
    # it (its reopened_at is set).
    current_review = models.ForeignKey(
        "CommitmentReview",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = record_history(m2m_fields=[requirements])
    objects = CommitmentQuerySet.as_manager()  # type: ignore[misc]  # narrows the base's

    class Meta:
        verbose_name = _("commitment")
        ordering = ["-committed_on", "reference"]
        permissions = [("review_commitment", _("Can review a commitment and mark it made"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("customers:commitment_detail", args=[self.pk])

    @property
    def review_reopened(self) -> bool:
        """Return whether a change reopened the latest review, so it must be redone."""
        review = self.current_review
        return review is not None and review.reopened_at is not None

    @staticmethod
    def needs_review_again_q() -> Q:
        """Return the condition of a flagged commitment: its review reopened by a change,
        or made while its latest review does not accept it."""
        return Q(current_review__reopened_at__isnull=False) | Q(
            status=Commitment.Status.MADE,
            current_review__outcome__in=CommitmentReview.NOT_ACCEPTING,
        )

    @property
    def needs_review_again(self) -> bool:
        """Return ``needs_review_again_q`` for this one record."""
        review = self.current_review
        return self.review_reopened or (
            self.status == self.Status.MADE and review is not None and not review.accepts
        )

    @staticmethod
    def not_reviewed_q() -> Q:
        return Q(current_review__isnull=True, status=Commitment.Status.DRAFT)


class CommitmentVersion(models.Model):
    """A commitment as it stood at one version, with the requirement versions it carried."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=10, choices=Commitment.Kind.choices)
    reference = models.CharField(_("reference"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("terms and scope"), blank=True, max_length=TEXT_MAX_LENGTH)
    committed_on = models.DateField(_("commitment date"))
    # One entry per requirement: its id, reference, title and the version carried.
    requirements = models.JSONField(_("requirements it carries"), default=list)
    reason = models.TextField(_("why it changed"), blank=True, max_length=TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("commitment version")
        ordering = ["commitment", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "number"], name="customers_commitment_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment} v{self.number}"


class CommitmentReview(models.Model):
    """The review of a commitment before it is made (8.2.3)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        CONDITIONS = "conditions", _("Accepted with conditions")
        REJECTED = "rejected", _("Rejected")

    ACCEPTING = frozenset({Outcome.ACCEPTED, Outcome.CONDITIONS})
    NOT_ACCEPTING = frozenset(set(Outcome) - ACCEPTING)

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="reviews"
    )
    commitment_version = models.PositiveIntegerField(_("commitment version reviewed"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_on = models.DateField(_("review date"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    conditions = models.TextField(_("conditions"), blank=True, max_length=TEXT_MAX_LENGTH)
    differences = models.TextField(
        _("differences from earlier quotes or orders, and how they were resolved"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
    )
    verbal_requirements = models.TextField(
        _("requirements stated only verbally, and how they were confirmed"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True, editable=False)
    reopened_by = models.ForeignKey(
        "Change",
        verbose_name=_("reopened by the change"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="reopened_reviews",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = record_history()

    class Meta:
        verbose_name = _("commitment review")
        # In the order recorded, the latest first: the latest review is the one
        # recorded last, whatever date it carries.
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="conditions") | ~Q(conditions=""),
                name="customers_review_conditions_recorded",
                violation_error_message=_("Record the conditions of the acceptance."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.get_outcome_display()} {self.reviewed_on:%Y-%m-%d}"

    @property
    def accepts(self) -> bool:
        return self.outcome in self.ACCEPTING


class ReviewItem(models.Model):
    """Whether the organisation can meet one requirement, as the review found."""

    review = models.ForeignKey(CommitmentReview, on_delete=models.CASCADE, related_name="items")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    requirement_version = models.PositiveIntegerField(_("requirement version"))
    can_meet = models.BooleanField(_("can be met"))
    note = models.TextField(_("how, or why not"), blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("review item")
        ordering = ["review", "requirement__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "requirement"], name="customers_review_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement.reference} v{self.requirement_version}"


class ChangeQuerySet(models.QuerySet):
    def waiting_for(self, person: Any) -> "ChangeQuerySet":
        """Return the changes that ask the person to acknowledge them and that the
        person has not acknowledged yet: the home page's figure and the changes list's
        "waiting for me" both read this."""
        return self.filter(
            pk__in=Acknowledgement.objects.filter(
                person=person, acknowledged_at__isnull=True
            ).values("change")
        )


class Change(models.Model):
    """A change to a requirement or a commitment (8.2.4), and who must acknowledge it."""

    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
    )
    from_version = models.PositiveIntegerField(_("from version"))
    to_version = models.PositiveIntegerField(_("to version"))
    reason = models.TextField(_("what changed and why"), max_length=TEXT_MAX_LENGTH)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("change")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requirement__isnull=False, commitment__isnull=True)
                | Q(requirement__isnull=True, commitment__isnull=False),
                name="customers_change_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} v{self.from_version} → v{self.to_version}"

    def get_absolute_url(self) -> str:
        return reverse("customers:change_detail", args=[self.pk])

    @property
    def subject(self) -> Any:
        return self.requirement or self.commitment


class Acknowledgement(models.Model):
    """One person concerned by a change, and when they acknowledged it."""

    class Concern(models.TextChoices):
        OWNER = "owner", _("Owner of the requirement")
        ACCOUNT = "account", _("Account owner")
        ADDED = "added", _("Added by the editor")

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="acknowledgements")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    concern = models.CharField(_("why they are concerned"), max_length=8, choices=Concern.choices)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        verbose_name = _("acknowledgement")
        ordering = ["change", "person__full_name"]
        permissions = [("acknowledge_change", _("Can acknowledge a change that concerns them"))]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "person"], name="customers_acknowledgement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.change}"
