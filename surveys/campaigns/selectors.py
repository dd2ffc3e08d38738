"""Reads of invitations that several pages share: the list, an invitation's page, a
contact's page, and the customer's timeline.

Where an invitation stands (``Progress``) is one annotation, defined with the model
(``InvitationQuerySet.with_progress``): the list filters on it and every page shows it.
"""

from typing import Any

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext_lazy as _

from core.expressions import among
from core.registries import TimelineEntry
from customers.models import Contact, Customer
from surveys.campaigns.models import Invitation, InvitationToken, Progress, UnsubscribeToken

# How many of a contact's invitations their page lists; the list page has them all.
CONTACT_ROWS = 10


def invitation_list() -> QuerySet[Invitation]:
    """The invitations with what the list shows of each joined in, newest first."""
    return (
        Invitation.objects.with_progress().select_related(
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
        Invitation.objects.with_progress()
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


def _count_of(contact: Contact) -> QuerySet:
    return (
        Invitation.objects.filter(contact_id=contact.pk)
        .order_by()
        .values("contact")
        .annotate(n=Count("pk"))
        .values("n")
    )


def contact_invitations(contact: Contact) -> tuple[list[Invitation], int]:
    """Return the contact's latest invitations and how many they have in all (one query)."""
    rows = list(
        Invitation.objects.filter(contact_id=contact.pk)
        .with_progress()
        .select_related("version__questionnaire", "response")
        # How many in all, as one uncorrelated subquery: a window over every row would
        # work out each one's progress before the limit, where the index on (contact,
        # created) gives the latest rows and only those are worked out.
        .annotate(total=Subquery(_count_of(contact)))
        .order_by("-created_at", "-pk")[:CONTACT_ROWS]
    )
    return rows, (rows[0].total if rows else 0)


def timeline_entries(customer: Any) -> list[TimelineEntry]:
    """Return the invitations sent to the customer's contacts as timeline entries."""
    rows = (
        Invitation.objects.filter(customer_id=customer.pk, sent_at__isnull=False)
        .with_progress()
        .select_related("version__questionnaire", "contact", "response", "created_by")
    )
    return [
        TimelineEntry(
            when=invitation.sent_at,
            kind="survey",
            title=str(_("Survey sent: %(version)s") % {"version": invitation.version}),
            url=invitation.get_absolute_url(),
            summary=str(Progress(invitation.progress).label),
            actor=invitation.contact.name,
        )
        for invitation in rows.order_by("-sent_at")[:100]
    ]
