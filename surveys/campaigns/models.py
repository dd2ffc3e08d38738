"""Invitations and the links they are answered through (9.1.2).

An invitation ties a contact to an approved questionnaire version and records the
contact's customer, segments, products and language as they were when it was made, so
past results do not move when customers change. Every email sent for it (the first
and each reminder) carries its own link: an ``InvitationToken`` row holding only the
SHA-256 of a random token, with its own expiry. Unsubscribe links are rows of their
own (``UnsubscribeToken``): one for the page that asks to confirm, another for the
RFC 8058 one-click request. These tables are append-only queues: who and when are on
the row, not in a history table.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboundEmail
from customers.models import Contact, Customer, ProductService, Segment
from surveys.design.models import QuestionnaireVersion


class Progress(models.TextChoices):
    """Where an invitation stands, as every page says it (``InvitationQuerySet``)."""

    NOT_SENT = "not_sent", _("Not sent yet")
    FAILED = "failed", _("Could not be sent")
    OPEN = "open", _("Sent, not answered")
    PARTIAL = "partial", _("Partly answered")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The invitations that can still be answered (or will be, once sent).
OPEN_PROGRESS = (Progress.NOT_SENT, Progress.OPEN, Progress.PARTIAL)


def _exists(rows: models.QuerySet) -> Q:
    """Return "the outer invitation has such rows" as a correlated subquery on the
    related table itself: no join in the outer query (a list's count reads the
    invitations alone), planned as a semi-join (or an anti-join, negated) on the
    related table's index when filtering."""
    return Q(Exists(rows))


def _responses() -> models.QuerySet:
    # The responses register sits above this one: its model is reached through the
    # relation, not imported.
    relation: Any = Invitation._meta.get_field("response")
    return relation.related_model.objects.filter(invitation=OuterRef("pk"))


def progress_rules(now: Any = None) -> list[tuple[str, Q]]:
    """Return where an invitation stands as ordered rules: the first whose condition
    holds names it, and ``OPEN`` when none does.

    The order is the answer page's (``links.link_state``): an answer first, then a
    closed invitation (withdrawn, or its contact erased or void, its customer or
    questionnaire void: ``Invitation.is_closed`` for one loaded row), then the
    sending, then the links' expiry (a partial answer can be finished only while a
    link works). ``with_progress`` shows them; ``in_progress`` filters by them.
    """
    now = now or timezone.now()
    contact = Contact.objects.filter(pk=OuterRef("contact_id"))
    return [
        (Progress.ANSWERED, _exists(_responses().filter(completed_at__isnull=False))),
        (
            Progress.WITHDRAWN,
            Q(withdrawn_at__isnull=False)
            | _exists(contact.filter(Q(erased_at__isnull=False) | Q(voided_at__isnull=False)))
            | _exists(Customer.objects.filter(pk=OuterRef("customer_id"), voided_at__isnull=False))
            | _exists(
                QuestionnaireVersion.objects.filter(
                    pk=OuterRef("version_id"), questionnaire__voided_at__isnull=False
                )
            ),
        ),
        (Progress.NOT_SENT, Q(state=Invitation.State.PENDING)),
        (Progress.FAILED, Q(state=Invitation.State.FAILED)),
        (
            Progress.EXPIRED,
            ~_exists(InvitationToken.objects.filter(invitation=OuterRef("pk"), expires_at__gt=now)),
        ),
        (Progress.PARTIAL, _exists(_responses())),
    ]


class InvitationQuerySet(models.QuerySet):
    def with_progress(self, now: Any = None) -> "InvitationQuerySet":
        """Annotate each invitation with ``link_expires_at`` (the expiry of its link
        that lasts longest) and ``progress`` (``progress_rules``)."""
        latest = (
            InvitationToken.objects.filter(invitation=OuterRef("pk"))
            .order_by("-expires_at")
            .values("expires_at")[:1]
        )
        return self.annotate(link_expires_at=Subquery(latest)).annotate(
            progress=Case(
                *(When(rule, then=Value(value)) for value, rule in progress_rules(now)),
                default=Value(Progress.OPEN),
                output_field=models.CharField(),
            )
        )

    def in_progress(self, *values: str, now: Any = None) -> "InvitationQuerySet":
        """Return the invitations standing at any of ``values``: each value's rule and
        none of the rules before it, as conditions the database can plan on their own
        (a filter on the ``CASE`` would compute it for every row)."""
        wanted, earlier = Q(pk__in=[]), Q()
        for value, rule in [*progress_rules(now), (Progress.OPEN, Q())]:
            if value in values:
                wanted |= rule & ~earlier if earlier else rule
            earlier = earlier | rule if earlier else rule
        return self.filter(wanted)

    def open(self, now: Any = None) -> "InvitationQuerySet":
        """Return the invitations that can still be answered, or will be once sent."""
        return self.in_progress(*OPEN_PROGRESS, now=now)


class Invitation(models.Model):
    """A contact asked to answer one questionnaire version."""

    class State(models.TextChoices):
        PENDING = "pending", _("Not sent yet")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="invitations"
    )
    # As they were when the invitation was made.
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="survey_invitations",
    )
    segments = models.ManyToManyField(
        Segment, verbose_name=_("segments"), blank=True, related_name="+"
    )
    products = models.ManyToManyField(
        ProductService, verbose_name=_("products and services"), blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=5, choices=Contact.Language.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_actor = models.CharField(_("created by system"), max_length=150, blank=True)
    sent_at = models.DateTimeField(_("first sent"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdraw_reason = models.TextField(_("why it was withdrawn"), blank=True, max_length=2000)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey invitation")
        ordering = ["-created_at", "-id"]
        permissions = [("withdraw_invitation", _("Can withdraw a survey invitation"))]
        indexes = [
            models.Index(fields=["contact", "-created_at"], name="surveys_invitation_contact"),
            models.Index(fields=["customer", "-created_at"], name="surveys_invitation_customer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="withdrawn") & Q(withdrawn_at__isnull=False))
                | (~Q(state="withdrawn") & Q(withdrawn_at__isnull=True)),
                name="surveys_invitation_withdrawn_has_time",
            )
        ]

    def __str__(self) -> str:
        return str(_("Invitation %(number)s") % {"number": self.pk})

    def get_absolute_url(self) -> str:
        return reverse("surveys:invitation_detail", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_closed(self) -> bool:
        """Return the ``WITHDRAWN`` rule of ``progress_rules`` for this one invitation
        (its contact, customer and questionnaire loaded with it)."""
        return (
            self.is_withdrawn
            or self.contact.erased_at is not None
            or self.contact.is_voided
            or self.customer.is_voided
            or self.version.questionnaire.is_voided
        )


class InvitationToken(models.Model):
    """The link one email carried: the SHA-256 of its token and its own expiry."""

    class Kind(models.TextChoices):
        FIRST = "first", _("Invitation")
        REMINDER = "reminder", _("Reminder")

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.PROTECT, related_name="tokens"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FIRST)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.ForeignKey(
        OutboundEmail,
        verbose_name=_("email"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    # When the answers were submitted through this link (the one that used it).
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey link")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @staticmethod
    def default_expiry(now: Any = None) -> Any:
        return (now or timezone.now()) + timedelta(days=settings.SURVEY_LINK_VALID_DAYS)


class UnsubscribeToken(models.Model):
    """A link that opts a contact out of surveys.

    ``page`` links open a page that asks to confirm (its post carries a CSRF token);
    ``one_click`` links take the RFC 8058 ``List-Unsubscribe-Post`` request, which
    mail clients send without cookies, so that endpoint is exempt from CSRF and needs
    a token of its own.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("Unsubscribe page")
        ONE_CLICK = "one_click", _("One-click unsubscribe")

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="unsubscribe_tokens",
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unsubscribe_tokens",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("unsubscribe link")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @staticmethod
    def default_expiry(now: Any = None) -> Any:
        return (now or timezone.now()) + timedelta(days=settings.UNSUBSCRIBE_LINK_VALID_DAYS)
