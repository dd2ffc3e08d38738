"""Read queries of the customer register pages: a constant number of queries each."""

from typing import Any

from django.db.models import Count, Model, Prefetch, Q, QuerySet

from customers.models import (
    Commitment,
    Contact,
    Customer,
    Erasure,
    ImportJob,
    Need,
    Requirement,
)


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


def catalogue_list(model: type[Model]) -> QuerySet:
    """Return segments or catalogue entries, active first, with their active customers."""
    return model.objects.order_by("voided_at", "name").annotate(  # type: ignore[attr-defined]
        customer_count=Count("customers", filter=Q(customers__voided_at__isnull=True))
    )


def register_summary(*, user_id: int | None) -> dict[str, Any]:
    """Return the counts the home page shows about the customer register."""
    customers = Customer.objects.active().aggregate(
        active=Count("pk", filter=Q(status=Customer.Status.ACTIVE)),
        at_risk=Count("pk", filter=Q(status=Customer.Status.AT_RISK)),
        prospects=Count("pk", filter=Q(status=Customer.Status.PROSPECT)),
        mine=Count("pk", filter=Q(account_owner=user_id)),
    )
    contacts = Contact.objects.active().aggregate(
        total=Count("pk"),
        reachable=Count("pk", filter=Contact.can_be_surveyed_q()),
    )
    return {"customers": customers, "contacts": contacts}


def contact_erasures(contact: Contact) -> QuerySet[Erasure]:
    """Return the log of the contact's erasures, with who performed each."""
    return contact.erasures.select_related("performed_by")


def imported_by(queryset: QuerySet, job: ImportJob) -> QuerySet:
    """Return the records of ``queryset`` that the import created or updated.

    Read from the history rows the import wrote (its reason, in its range of history
    ids): a range of the history's primary key, whatever the size of the import.
    """
    if job.history_from is None or job.history_to is None:
        return queryset.none()
    history = queryset.model.history.filter(
        history_id__gte=job.history_from,
        history_id__lte=job.history_to,
        history_change_reason=job.history_reason,
    )
    return queryset.filter(pk__in=history.values("id"))


def recent_imports(limit: int = 10) -> QuerySet[ImportJob]:
    """Return the latest imports, newest first, with who uploaded each."""
    return ImportJob.objects.select_related("created_by")[:limit]


def customer_export() -> QuerySet[Customer]:
    """Return every customer for the CSV export (the filters hide voided ones)."""
    return Customer.objects.order_by("name")


def contact_export() -> QuerySet[Contact]:
    """Return the active contacts for the CSV export, by customer."""
    return contact_list().order_by("customer__name", "name")
