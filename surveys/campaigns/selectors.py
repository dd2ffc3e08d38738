"""Reads of invitations that several pages share: the list, an invitation's page, a
contact's page, and the customer's timeline.

Where an invitation stands (``Progress``) is one annotation: the list filters on it,
and every page shows it, so the rule is written once, in the database's terms.
"""

from typing import Any

from django.db import models
from django.db.models import (
    Case,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.expressions import among
from core.registries import TimelineEntry
from customers.models import Contact, Customer
from surveys.campaigns.models import Invitation, InvitationToken, UnsubscribeToken

# How many of a contact's invitations their page lists; the list page has them all.
CONTACT_ROWS = 10


class Progress(models.TextChoices):
    """Where an invitation stands, as the pages say it (``with_progress``)."""

    NOT_SENT = "not_sent", _("Not sent yet")
    FAILED = "failed", _("Could not be sent")
    OPEN = "open", _("Sent, not answered")
    PARTIAL = "partial", _("Partly answered")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def with_progress(invitations: QuerySet, now: Any = None) -> QuerySet:
    """Annotate each invitation with ``link_expires_at`` (its latest link's expiry)
    and ``progress`` (a ``Progress`` value).

    A withdrawal says so first, then an answer (whole or partial: a partial answer can
    still be finished while a link works), then the sending, then the links' expiry.
    """
    latest = (
        InvitationToken.objects.filter(invitation=OuterRef("pk"))
        .order_by("-expires_at")
        .values("expires_at")[:1]
    )
    return invitations.annotate(link_expires_at=Subquery(latest)).annotate(
        progress=Case(
            When(withdrawn_at__isnull=False, then=Value(Progress.WITHDRAWN)),
            When(response__completed_at__isnull=False, then=Value(Progress.ANSWERED)),
            When(response__isnull=False, then=Value(Progress.PARTIAL)),
            When(state=Invitation.State.PENDING, then=Value(Progress.NOT_SENT)),
            When(state=Invitation.State.FAILED, then=Value(Progress.FAILED)),
            When(
                Q(link_expires_at__isnull=True) | Q(link_expires_at__lte=now or timezone.now()),
                then=Value(Progress.EXPIRED),
            ),
            default=Value(Progress.OPEN),
            output_field=models.CharField(),
        )
    )


def progress_label(invitation: Any) -> str:
    """Return how an annotated invitation's progress reads."""
    return str(Progress(invitation.progress).label)


def invitation_list() -> QuerySet[Invitation]:
    """The invitations with what the list shows of each joined in, newest first."""
    return with_progress(
        Invitation.objects.select_related(
            "version__questionnaire", "contact", "customer", "response"
        )
    ).order_by("-created_at", "-pk")


def invitations_matching(text: str, invitations: QuerySet) -> QuerySet:
    """Return the invitations whose contact (name or address) or customer the text names,
    each found through its own index and matched by the invitations' keys (``among``)."""
    text = text.strip()
    if not text:
        return invitations
    contacts = Contact.objects.filter(Q(name__icontains=text) | Q(email__icontains=text))
    return invitations.filter(
        among("contact", contacts)
        | among("customer", Customer.objects.filter(name__icontains=text))
    )


def invitation_detail(pk: int) -> Invitation:
    """Return an invitation with everything its page shows, in a fixed number of queries."""
    return (
        with_progress(Invitation.objects.all())
        .select_related(
            "version__questionnaire",
            "contact",
            "customer",
            "created_by",
            "withdrawn_by",
            "response",
        )
        .prefetch_related(
            "segments",
            "products",
            Prefetch("tokens", queryset=InvitationToken.objects.select_related("email")),
            Prefetch(
                "unsubscribe_tokens",
                queryset=UnsubscribeToken.objects.filter(used_at__isnull=False),
                to_attr="unsubscribes_used",
            ),
        )
        .get(pk=pk)
    )


def contact_invitations(contact: Contact) -> tuple[list[Invitation], int]:
    """Return the contact's latest invitations and how many they have in all (one query)."""
    rows = list(
        with_progress(Invitation.objects.filter(contact_id=contact.pk))
        .select_related("version__questionnaire", "response")
        # The window counts every invitation before the limit cuts the rows.
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "-pk")[:CONTACT_ROWS]
    )
    return rows, (rows[0].total if rows else 0)


def timeline_entries(customer: Any) -> list[TimelineEntry]:
    """Return the invitations sent to the customer's contacts as timeline entries."""
    rows = with_progress(
        Invitation.objects.filter(customer_id=customer.pk, sent_at__isnull=False)
    ).select_related("version__questionnaire", "contact", "response", "created_by")
    return [
        TimelineEntry(
            when=invitation.sent_at,
            kind="survey",
            title=str(_("Survey sent: %(version)s") % {"version": invitation.version}),
            url=invitation.get_absolute_url(),
            summary=progress_label(invitation),
            actor=invitation.contact.name,
        )
        for invitation in rows.order_by("-sent_at")[:100]
    ]
