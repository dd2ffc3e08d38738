"""Reads of feedback items that several pages share: the list, the detail page, the
header search, the home panel and the customer's timeline."""

import re
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window

from core.expressions import among
from core.params import positive_int
from core.registries import TimelineEntry
from customers.models import Contact, Customer
from feedback.complaints.models import (
    UNOWNED,
    Attachment,
    FeedbackItem,
    acknowledgement_overdue_condition,
    overdue_condition,
)

# "FB-000042", "fb 42", "FB42": the item's reference, read as its id.
REFERENCE = re.compile(r"(?:fb[\s-]*)?0*([0-9]{1,12})", re.IGNORECASE)
# How many of their items the home panel lists for a person.
HOME_ROWS = 8


def feedback_number(text: str) -> int | None:
    """Return the id a reference names ("FB-000042", "fb 42", "42"), if it is one."""
    match = REFERENCE.fullmatch(text.strip())
    return positive_int(match.group(1)) if match else None


def feedback_list() -> QuerySet[FeedbackItem]:
    """The register's rows, with what the list shows of each joined in."""
    return FeedbackItem.objects.with_flags().select_related(
        "customer", "contact", "product", "owner"
    )


def feedbacks_matching(text: str, items: QuerySet[FeedbackItem]) -> QuerySet[FeedbackItem]:
    """Return the items the text names: by reference, or by words of the subject,
    description, sender, customer or contact."""
    text = text.strip()
    if not text:
        return items
    own = Q()
    for field in ("subject", "description", "sender_name", "sender_email"):
        own |= Q(**{f"{field}__icontains": text})
    # The customers and contacts the text names, each found through its own trigram
    # index on PostgreSQL and matched among the items by the items' own indexes
    # (``among``): a join would test the text against every contact.
    named = Contact.objects.filter(Q(name__icontains=text) | Q(email__icontains=text))
    words = (
        own
        | among("customer", Customer.objects.filter(name__icontains=text))
        | among("contact", named)
    )
    number = feedback_number(text)
    if number is None:
        return items.filter(words)
    return items.filter(Q(pk=number) | words)


def feedback_search(text: str) -> QuerySet[FeedbackItem]:
    """The header search's feedback items: those not voided that match, newest first."""
    return feedbacks_matching(
        text, FeedbackItem.objects.active().select_related("customer", "contact")
    ).order_by("-received_at", "-pk")


def feedback_detail(pk: int) -> FeedbackItem:
    """Return an item with everything its page shows, in a fixed number of queries."""
    return (
        FeedbackItem.objects.with_flags()
        .select_related(
            "customer",
            "contact",
            "product",
            "owner",
            "voided_by",
            "source_item",
            "source_type",
        )
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            Prefetch("turned_into", queryset=FeedbackItem.objects.order_by("pk")),
            Prefetch(
                "source_item__attachments",
                queryset=Attachment.objects.select_related("uploaded_by"),
            ),
        )
        .get(pk=pk)
    )


def mine_to_handle(user: Any) -> tuple[list[FeedbackItem], int]:
    """Return the person's first open complaints and follow-ups, the overdue first,
    then by the date each is due, and how many they have in all (one query)."""
    rows = list(
        FeedbackItem.objects.open()
        .active()
        .filter(
            owner_id=user.pk,
            kind__in=[FeedbackItem.Kind.COMPLAINT, FeedbackItem.Kind.FOLLOW_UP],
        )
        .select_related("customer")
        # The window counts every match before the limit cuts the rows.
        .annotate(total=Window(Count("pk")))
        .order_by(F("due_at").asc(nulls_last=True), "pk")[:HOME_ROWS]
    )
    return rows, (rows[0].total if rows else 0)


def complaint_counts() -> dict[str, int]:
    """Return how many complaints are open, overdue, not acknowledged in time and
    without an owner, in one query."""
    return (
        FeedbackItem.objects.complaints()
        .open()
        .filter(voided_at__isnull=True)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=overdue_condition()),
            acknowledgement_overdue=Count("pk", filter=acknowledgement_overdue_condition()),
            unassigned=Count("pk", filter=UNOWNED),
        )
    )


def timeline_entries(customer: Any) -> list[TimelineEntry]:
    """Return the customer's feedback items as entries of their timeline."""
    rows = (
        FeedbackItem.objects.filter(customer_id=customer.pk, voided_at__isnull=True)
        .select_related("contact")
        .order_by("-received_at")[:100]
    )
    return [
        TimelineEntry(
            when=item.received_at,
            kind="feedback",
            title=f"{item} · {item.subject or item.description[:60]}",
            url=item.get_absolute_url(),
            summary=item.get_status_display(),
            actor=item.contact.name if item.contact else item.sender_name,
        )
        for item in rows
    ]
