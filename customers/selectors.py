"""Read queries the customer pages share: a constant number of queries per page."""

from django.db.models import Count, Prefetch, Q, QuerySet

from customers.models import Commitment, Contact, Customer, Need, Requirement


def customer_list() -> QuerySet[Customer]:
    return (
        Customer.objects.select_related("account_owner")
        .prefetch_related("segments")
        .annotate(contact_count=Count("contacts", filter=Q(contacts__voided_at__isnull=True)))
    )


def customer_detail(pk: int) -> Customer:
    return (
        Customer.objects.select_related("account_owner", "voided_by")
        .prefetch_related(
            "segments",
            "products",
            Prefetch("contacts", queryset=Contact.objects.order_by("voided_at", "name")),
            Prefetch("needs", queryset=Need.objects.active().order_by("status", "-created_at")),
            Prefetch(
                "requirements",
                queryset=Requirement.objects.active().select_related("product").order_by("title"),
            ),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.active()
                .select_related("current_review")
                .order_by("-committed_on"),
            ),
        )
        .get(pk=pk)
    )


def contact_list() -> QuerySet[Contact]:
    return Contact.objects.active().select_related("customer")
