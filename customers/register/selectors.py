"""Read queries of the customer register pages: a constant number of queries each."""

import math
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.expressions import among, count_of, matches_first
from core.history import HISTORY_LIMIT, merged_history
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
    """Return the customers with their owner, segments and count of active contacts.

    The count is a subquery per row shown, not a join: a join would count every
    contact of the register before the page is taken, and keep the join in the
    paginator's count. Sorting by it still works (the subquery runs per customer).
    """
    return (
        Customer.objects.select_related("account_owner")
        .prefetch_related("segments")
        .annotate(contact_count=count_of(Contact.objects.active(), to="customer"))
    )


def customer_detail(pk: int) -> Customer:
    """Return the customer with what its page shows beside the tabs, and how many rows
    each paged tab has (``contact_total``, ``need_total``, ...), counted per customer
    in the same query. The tabs' rows come from ``customer_tabs``, a page at a time.
    """
    return (
        Customer.objects.select_related("account_owner", "voided_by")
        .prefetch_related("segments", "products")
        .annotate(
            contact_total=count_of(Contact.objects.all(), to="customer"),
            need_total=count_of(Need.objects.active(), to="customer"),
            requirement_total=count_of(Requirement.objects.active(), to="customer"),
            commitment_total=count_of(Commitment.objects.active(), to="customer"),
        )
        .get(pk=pk)
    )


def customer_tabs(customer: Customer) -> dict[str, tuple[QuerySet, int]]:
    """Return the rows of each paged tab of the customer's page, in the tab's order,
    with their number (from ``customer_detail``'s annotations): a page of each is
    read, so the page costs the same at 2,000 contacts as at 2."""
    pk = customer.pk
    annotated: Any = customer
    return {
        # Voided contacts stay listed, after the active ones.
        "contacts": (
            Contact.objects.filter(customer=pk).order_by(
                F("voided_at").asc(nulls_first=True), "name", "pk"
            ),
            annotated.contact_total,
        ),
        "needs": (
            Need.objects.active().filter(customer=pk).order_by("status", "-created_at", "-pk"),
            annotated.need_total,
        ),
        "requirements": (
            Requirement.objects.active()
            .filter(customer=pk)
            .select_related("product")
            .order_by("title", "pk"),
            annotated.requirement_total,
        ),
        "commitments": (
            Commitment.objects.active()
            .filter(customer=pk)
            .select_related("current_review")
            .order_by("-committed_on", "-pk"),
            annotated.commitment_total,
        ),
    }


def contact_list() -> QuerySet[Contact]:
    return Contact.objects.active().select_related("customer")


def customers_matching(text: str, customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Return the customers whose name, or the name or email address of one of whose
    active contacts, contains the text (any case); each customer once, however many
    contacts match.

    The customer list's search and the header search both read it.
    """
    text = text.strip()
    if not text:
        return customers
    # A subquery, not a join: a join would list a customer once per matching contact
    # and multiply its counts. "IN (the matching contacts' customers)" rather than
    # EXISTS: PostgreSQL finds the contacts once through their trigram indexes and
    # hashes their customers, where EXISTS inside an OR is planned per customer, at a
    # cost estimate that sets off JIT compilation (about 125 ms for this search alone).
    contacts = Contact.objects.active().filter(
        Q(name__icontains=text) | Q(email__icontains=text.lower())
    )
    return customers.filter(Q(name__icontains=text) | Q(pk__in=contacts.values("customer")))


def customers_named(text: str, customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Return the customers whose name contains the text (any case): how a form or a
    filter chooses one, where a match on a contact would puzzle."""
    text = text.strip()
    return customers.filter(name__icontains=text) if text else customers


def contacts_matching(text: str, contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """Return the contacts whose name, email address or customer's name contains the text.

    The customer's name is matched in a subquery of the customers (``among``) rather
    than through the join, so that on PostgreSQL each of the three conditions is
    answered by an index (the trigram indexes of migration 0010, and the contacts'
    customer index) instead of a test of every contact.
    """
    text = text.strip()
    if not text:
        return contacts
    named = Customer.objects.filter(name__icontains=text)
    return contacts.filter(
        Q(name__icontains=text) | Q(email__icontains=text) | among("customer", named)
    )


def customer_search(text: str) -> QuerySet[Customer]:
    """The header search's customers: the active ones that match, by name."""
    return customers_matching(text, Customer.objects.active()).order_by("name")


def contact_search(text: str) -> QuerySet[Contact]:
    """The header search's contacts: the active ones that match, by name, with the customer."""
    return matches_first(contacts_matching(text, contact_list()).order_by("name", "pk"))


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
    return {"customers": customers, "contacts": contact_figures()}


# The home page's contact figures, as last counted: every page view would otherwise
# count a million contacts (two index-only scans, 50-120 ms at 1,000,000 contacts on
# two cores, growing with the register). Beat recounts them every five minutes
# (``customers.tasks.refresh_contact_figures``), so with a cache the processes share
# (Redis) no page counts; a process that finds none kept counts them itself. Counters
# kept by every write path (saves, imports, bulk changes, erasure, unsubscribes,
# bounces) would be exact, at the price of a row every one of those writes locks.
CONTACT_FIGURES_KEY = "customers:contact-figures"
CONTACT_FIGURES_SECONDS = 15 * 60


def count_contact_figures() -> dict[str, Any]:
    """Count the active contacts and those who can be surveyed, now.

    Each is read from a partial index alone (an index-only scan): the active contacts
    from ``customers_contact_live_cust``, those who can be surveyed from
    ``customers_contact_surveyable``, whose condition is ``Contact.can_be_surveyed_q``.
    One count with a filter read every contact row.
    """
    return {
        "total": Contact.objects.active().count(),
        "reachable": Contact.objects.can_be_surveyed().count(),
        "counted_at": timezone.now(),
    }


def contact_figures(*, recount: bool = False) -> dict[str, Any]:
    """Return the contact figures the home page shows, as last counted (at most
    ``CONTACT_FIGURES_SECONDS`` ago), counting them when none are kept or ``recount``."""
    figures = None if recount else cache.get(CONTACT_FIGURES_KEY)
    if figures is None:
        figures = count_contact_figures()
        cache.set(CONTACT_FIGURES_KEY, figures, CONTACT_FIGURES_SECONDS)
    return figures


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


# The customer's history ----------------------------------------------------------


def _link_imports(entries: list[dict[str, Any]]) -> None:
    """Give each history entry an import wrote the import (``entry["import"]``): the
    finished import of that kind whose range of history rows holds it (an import
    records the first and last history rows it wrote). One query for all the entries.
    """
    kinds = {Customer: ImportJob.Kind.CUSTOMERS, Contact: ImportJob.Kind.CONTACTS}
    written = [e for e in entries if e["model"] in kinds and e.get("history_id")]
    if not written:
        return
    ids = [entry["history_id"] for entry in written]
    jobs = list(
        ImportJob.objects.filter(
            state=ImportJob.State.DONE,
            history_from__lte=max(ids),
            history_to__gte=min(ids),
        ).order_by("history_from")
    )
    for entry in written:
        entry["import"] = next(
            (
                job
                for job in jobs
                if job.kind == kinds[entry["model"]]
                and job.history_from <= entry["history_id"] <= job.history_to
            ),
            None,
        )


# How many changes a page of the customer's history tab shows.
HISTORY_PAGE = 25


def customer_history(
    customer: Customer, limit: int = HISTORY_LIMIT, *, page: int = 1
) -> dict[str, Any]:
    """Return a page of the changes to the customer and its contacts, and their
    erasures, merged newest first (``HISTORY_PAGE`` a page, the latest ``limit`` in
    all), each entry naming its record; the imports that wrote a row linked.

    Page ``n`` reads the latest ``n * HISTORY_PAGE`` rows of each kind, so the first
    page costs the same at 2,000 contacts as at 2. The queries do not grow with the
    contacts or the history rows. Contacts' rows are read as stored: an erased
    contact's are pseudonymised.
    """
    last_page = max(1, math.ceil(limit / HISTORY_PAGE))
    page = min(max(page, 1), last_page)
    upto = min(page * HISTORY_PAGE, limit)
    # The contacts' rows by the ids of the customer's contacts (``among``): read
    # through the history's index of record ids and sorted, rather than by walking
    # every contact's history newest first until the customer's turn up.
    entries = merged_history(
        Customer.history.filter(id=customer.pk),
        Contact.history.filter(among("id", Contact.objects.filter(customer=customer.pk))),
        limit=upto + 1,
    )
    erasure_rows = list(
        Erasure.objects.filter(contact__customer=customer.pk)
        .select_related("performed_by")
        .order_by("-performed_at")[: upto + 1]
    )
    erasures: list[dict[str, Any]] = [
        {
            "when": erasure.performed_at,
            "kind": "erased",
            "actor": str(erasure.performed_by),
            "reason": "",
            "changes": [],
            "model": Erasure,
            "erasure": erasure,
            "contact_id": erasure.contact_id,
        }
        for erasure in erasure_rows
    ]
    merged = sorted([*entries, *erasures], key=lambda entry: entry["when"], reverse=True)
    if page > 1 and len(merged) <= (page - 1) * HISTORY_PAGE:
        # Past the end (an old link): the last page that has changes.
        page = max(1, math.ceil(len(merged) / HISTORY_PAGE))
    shown = merged[(page - 1) * HISTORY_PAGE : upto]
    # Only the contacts the entries shown name, in one query: the customer may have
    # thousands.
    contacts = Contact.objects.in_bulk(
        {entry["record_id"] for entry in shown if entry["model"] is Contact}
        | {entry["contact_id"] for entry in shown if entry["model"] is Erasure}
    )
    for entry in shown:
        if entry["model"] is Customer:
            entry["record"] = customer
        else:
            entry["record"] = contacts.get(entry.get("record_id") or entry.get("contact_id"))
    _link_imports(shown)
    return {
        "entries": shown,
        "cut": len(merged) > limit and upto == limit,
        "limit": limit,
        "page": page,
        "newer": page - 1 if page > 1 else None,
        "older": page + 1 if len(merged) > upto and upto < limit else None,
    }


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
