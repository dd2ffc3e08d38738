"""Read queries of the customer register pages: a constant number of queries each."""

from typing import Any

from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.models import User
from customers.models import (
    Commitment,
    Contact,
    Customer,
    Erasure,
    ImportJob,
    Need,
    Requirement,
    SuppressedEmail,
    email_hash,
)


def account_owners(*, keep: int | None = None) -> QuerySet[User]:
    """Return the people who can own a customer account: active, and holding
    ``customers.own_customer`` through their role (not auditors), or superusers.

    The customer form, the customer list's filter, ``customer_save`` and the import
    read this. ``keep`` adds one person (a customer's stored owner, who may have left
    since), so that an edit shows the owner instead of dropping it unseen.
    """
    can_own = Q(is_active=True) & (
        Q(is_superuser=True)
        | Q(
            groups__permissions__codename="own_customer",
            groups__permissions__content_type__app_label="customers",
        )
    )
    if keep is not None:
        can_own |= Q(pk=keep)
    return User.objects.filter(can_own).distinct().order_by("full_name", "email")


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


def recent_imports(limit: int = 10) -> QuerySet[ImportJob]:
    """Return the latest imports, newest first, with who uploaded each."""
    return ImportJob.objects.select_related("created_by")[:limit]


def customer_export() -> QuerySet[Customer]:
    """Return every customer for the CSV export (the filters hide voided ones)."""
    return Customer.objects.order_by("name")


def contact_export() -> QuerySet[Contact]:
    """Return the active contacts for the CSV export, by customer."""
    return contact_list().order_by("customer__name", "name")


def suppression_refusal(email: str) -> str | None:
    """Return why the address cannot be given to a contact, or None when it can.

    An address on the suppression list (not lifted) belongs to a person who was
    erased on request or unsubscribed: the contact form and ``contact_save`` refuse
    it, as the import skips it, until a quality manager lifts the suppression.
    """
    entry = SuppressedEmail.objects.in_force().filter(email_hash=email_hash(email)).first()
    if entry is None:
        return None
    if entry.reason == SuppressedEmail.Reason.ERASED:
        why = _("the person's data was erased on request")
    else:
        why = _("the person unsubscribed")
    return _(
        "This address is on the suppression list: %(why)s, so it cannot be added again. "
        "Only the person's new, explicit request lets a quality manager lift the "
        "suppression."
    ) % {"why": why}


def recent_lifts(limit: int = 10) -> QuerySet[SuppressedEmail]:
    """Return the latest lifted suppressions, newest first, with who lifted each."""
    return (
        SuppressedEmail.objects.filter(lifted_at__isnull=False)
        .select_related("lifted_by")
        .order_by("-lifted_at", "-pk")[:limit]
    )
