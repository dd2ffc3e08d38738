"""Read queries of the customer register pages: a constant number of queries each."""

from typing import Any

from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet

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


def customers_matching(text: str, customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Return the customers whose name, or the email address of one of whose contacts,
    contains the text (any case); each customer once, however many contacts match.

    The customer list's search and the header search both read it.
    """
    text = text.strip()
    if not text:
        return customers
    contact = Contact.objects.filter(customer=OuterRef("pk"), email__icontains=text)
    return customers.filter(Q(name__icontains=text) | Exists(contact))


def contacts_matching(text: str, contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """Return the contacts whose name, email address or customer's name contains the text."""
    text = text.strip()
    if not text:
        return contacts
    return contacts.filter(
        Q(name__icontains=text) | Q(email__icontains=text) | Q(customer__name__icontains=text)
    )


def customer_search(text: str) -> QuerySet[Customer]:
    """The header search's customers: the active ones that match, by name."""
    return customers_matching(text, Customer.objects.active()).order_by("name")


def contact_search(text: str) -> QuerySet[Contact]:
    """The header search's contacts: the active ones that match, by name, with the customer."""
    return contacts_matching(text, contact_list()).order_by("name", "pk")


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


def recent_imports(limit: int = 10) -> QuerySet[ImportJob]:
    """Return the latest imports, newest first, with who uploaded each."""
    return ImportJob.objects.select_related("created_by")[:limit]


def customer_export() -> QuerySet[Customer]:
    """Return every customer for the CSV export (the filters hide voided ones)."""
    return Customer.objects.order_by("name")


def contact_export() -> QuerySet[Contact]:
    """Return the active contacts for the CSV export, by customer."""
    return contact_list().order_by("customer__name", "name")
