"""Read queries of the customer register pages: a constant number of queries each."""

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import HISTORY_LIMIT, merged_history
from core.models import User
from core.records import RecordLockedError, TransitionNotAllowedError, ensure_editable
from customers.models import (
    Commitment,
    Contact,
    Customer,
    Erasure,
    ImportJob,
    Need,
    Requirement,
    Segment,
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


def customers_matching(text: str, customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Return the customers whose name, or the name or email address of one of whose
    active contacts, contains the text (any case); each customer once, however many
    contacts match.

    The customer list's search and the header search both read it.
    """
    text = text.strip()
    if not text:
        return customers
    # A subquery: a join beside the list's contact count would multiply the count.
    contact = Contact.objects.active().filter(
        Q(name__icontains=text) | Q(email__icontains=text.lower()), customer=OuterRef("pk")
    )
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


def customer_history(customer: Customer, limit: int = HISTORY_LIMIT) -> dict[str, Any]:
    """Return every change to the customer and its contacts, and their erasures, merged
    newest first, each entry naming its record; the imports that wrote a row linked.

    The queries do not grow with the contacts or the history rows. Contacts' rows are
    read as stored: an erased contact's are pseudonymised.
    """
    contacts = {contact.pk: contact for contact in customer.contacts.all()}
    entries = merged_history(
        Customer.history.filter(id=customer.pk),
        Contact.history.filter(id__in=Contact.objects.filter(customer=customer.pk).values("pk")),
        limit=limit + 1,
    )
    for entry in entries:
        record = customer if entry["model"] is Customer else contacts.get(entry["record_id"])
        entry["record"] = record
    _link_imports(entries)
    erasures: list[dict[str, Any]] = [
        {
            "when": erasure.performed_at,
            "kind": "erased",
            "actor": str(erasure.performed_by),
            "reason": "",
            "changes": [],
            "model": Erasure,
            "record": contacts.get(erasure.contact_id),
            "erasure": erasure,
        }
        for erasure in Erasure.objects.filter(contact__customer=customer.pk)
        .select_related("performed_by")
        .order_by("-performed_at")[: limit + 1]
    ]
    merged = sorted([*entries, *erasures], key=lambda entry: entry["when"], reverse=True)
    return {"entries": merged[:limit], "cut": len(merged) > limit, "limit": limit}


# Bulk actions: what a change would do to the records selected -----------------------

REFUSED_SHOWN = 50


@dataclass(frozen=True)
class Rule:
    """A reason a record cannot take a bulk change: the rows it refuses, as a
    condition, and the message for one record (empty when it does not refuse it)."""

    refuses: Q
    message: Callable[[Any], str]


@dataclass
class BulkOutcome:
    """What a bulk change does to the records selected: how many change, how many are
    already so, and which cannot change and why (the first ``REFUSED_SHOWN``)."""

    total: int
    changing: int
    refused_count: int
    refused: list[tuple[Any, str]] = field(default_factory=list)
    # The sum of the keys of the records that change once those refused are left out:
    # with their number, what the confirmation shows and the service checks again.
    allowed_keys: int = 0

    @property
    def unchanged(self) -> int:
        return self.total - self.changing

    @property
    def allowed(self) -> int:
        """Return how many records change if those refused are left out."""
        return self.changing - self.refused_count

    @property
    def more_refused(self) -> int:
        return self.refused_count - len(self.refused)

    @property
    def token(self) -> str:
        """Return what identifies the records that change, for the confirmation."""
        return f"{self.allowed}-{self.allowed_keys}"


def _locked_message(record: Any) -> str:
    try:
        ensure_editable(record)
    except RecordLockedError as exc:
        return str(exc)
    return ""


def bulk_outcome(
    rows: QuerySet, *, differs: Q, rules: Sequence[Rule], order: str = "name"
) -> BulkOutcome:
    """Return what a change would do to ``rows``: two queries, whatever their number.

    ``differs`` is the condition of a row the change alters; a row it leaves as it is
    is never refused.
    """
    refused = refusing(rules)
    counts = rows.aggregate(
        total=Count("pk"),
        changing=Count("pk", filter=differs),
        refused=Count("pk", filter=differs & refused),
        allowed_keys=Sum("pk", filter=differs & ~refused),
    )
    sample = []
    if counts["refused"]:
        for record in rows.filter(differs & refused).order_by(order)[:REFUSED_SHOWN]:
            reasons = (rule.message(record) for rule in rules)
            sample.append((record, next((m for m in reasons if m), "")))
    return BulkOutcome(
        total=counts["total"],
        changing=counts["changing"],
        refused_count=counts["refused"],
        refused=sample,
        allowed_keys=counts["allowed_keys"] or 0,
    )


def refusing(rules: Sequence[Rule]) -> Q:
    """Return the condition of a row any of the rules refuses."""
    refused = Q(pk__in=[])
    for rule in rules:
        refused |= rule.refuses
    return refused


def selected(model: type[Model], selection: QuerySet) -> QuerySet:
    """Return the records of a selection (ticked ids or a filtered list) as a plain
    queryset of the model, without the joins, duplicates and order a filter adds."""
    return model._default_manager.filter(pk__in=selection.order_by().values("pk"))


@dataclass(frozen=True)
class CustomerChange:
    """What a bulk action sets on every customer selected; None leaves it alone."""

    segment: Segment | None = None
    account_owner: User | None = None
    status: str | None = None
    lost_on: date | None = None
    lost_reason: str = ""

    @classmethod
    def checked(
        cls,
        *,
        segment: Segment | None = None,
        account_owner: User | None = None,
        status: str | None = None,
        lost_on: date | None = None,
        lost_reason: str = "",
    ) -> "CustomerChange":
        """Return the change asked for; raise a ValidationError, by field, for one that
        is empty or that no customer could take (the form and the service both ask)."""
        errors: dict[str, str] = {}
        if segment is not None and segment.is_voided:
            errors["segment"] = _("This segment is voided: choose another.")
        owners = account_owners()
        if account_owner is not None and not owners.filter(pk=account_owner.pk).exists():
            errors["account_owner"] = _(
                "%(name)s cannot own an account: choose an active person whose role owns accounts."
            ) % {"name": account_owner}
        if status is not None and status not in Customer.Status.values:
            errors["status"] = _("Choose one of the statuses offered.")
        lost = status == Customer.Status.LOST
        lost_reason = (lost_reason or "").strip()
        if lost and lost_on is None:
            errors["lost_on"] = _("Give the date the customers were lost.")
        elif lost and lost_on is not None and lost_on > timezone.localdate():
            errors["lost_on"] = _("The date they were lost cannot be in the future.")
        if lost and not lost_reason:
            errors["lost_reason"] = _("Say why the customers were lost.")
        if errors:
            raise ValidationError(errors)
        change = cls(
            segment=segment,
            account_owner=account_owner,
            status=status,
            lost_on=lost_on if lost else None,
            lost_reason=lost_reason if lost else "",
        )
        if change.is_empty():
            raise ValidationError(
                _("Choose what to change: a segment, an account owner or a status.")
            )
        return change

    def is_empty(self) -> bool:
        return self.segment is None and self.account_owner is None and self.status is None

    def differs(self) -> Q:
        """Return the condition of a customer this change alters."""
        condition: Any = Q(pk__in=[])
        if self.segment is not None:
            links = Customer.segments.through.objects.filter(
                customer=OuterRef("pk"), segment=self.segment
            )
            condition |= ~Exists(links)
        if self.account_owner is not None:
            condition |= ~Q(account_owner=self.account_owner)
        if self.status is not None:
            condition |= self.moves()
        return condition

    def moves(self) -> Q:
        """Return the condition of a customer whose status this change moves."""
        return ~Q(status=self.status) if self.status is not None else Q(pk__in=[])

    def rules(self) -> list[Rule]:
        """Return why a customer cannot take this change: voided, a move its workflow
        does not allow, a loss dated before the customer was registered."""
        rules = [Rule(refuses=Q(voided_at__isnull=False), message=_locked_message)]
        if self.status is not None:
            target = self.status
            sources = [s for s, targets in Customer.TRANSITIONS.items() if target in targets]
            rules.append(
                Rule(
                    refuses=self.moves() & ~Q(status__in=sources),
                    message=lambda customer: _move_message(customer, target),
                )
            )
            if target == Customer.Status.LOST and self.lost_on is not None:
                lost_on = self.lost_on
                rules.append(
                    Rule(
                        refuses=self.moves() & Q(created_at__date__gt=lost_on),
                        message=lambda customer: _lost_before_message(customer, lost_on),
                    )
                )
        return rules


def _move_message(customer: Customer, target: str) -> str:
    """Return the workflow's own refusal of the move, as a form would show it."""
    if customer.status == target:
        return ""
    try:
        copy.copy(customer).set_status(target)
    except TransitionNotAllowedError as exc:
        return str(exc)
    return ""


def _lost_before_message(customer: Customer, lost_on: date) -> str:
    registered = timezone.localdate(customer.created_at)
    if registered <= lost_on:
        return ""
    return _("It was registered on %(registered)s, after the date it was lost.") % {
        "registered": registered.isoformat()
    }


def customer_bulk_outcome(customers: QuerySet[Customer], change: CustomerChange) -> BulkOutcome:
    """Return what the change would do to the customers selected."""
    return bulk_outcome(
        selected(Customer, customers), differs=change.differs(), rules=change.rules()
    )


@dataclass(frozen=True)
class ContactChange:
    """What a bulk action sets on every contact selected; None leaves it alone.

    Opting out goes one way: only the person can opt back in, on the contact form.
    """

    language: str | None = None
    opt_out: bool = False

    @classmethod
    def checked(cls, *, language: str | None = None, opt_out: bool = False) -> "ContactChange":
        """Return the change asked for; raise a ValidationError for an empty one."""
        if language is not None and language not in Contact.Language.values:
            raise ValidationError({"language": _("Choose one of the languages offered.")})
        change = cls(language=language, opt_out=opt_out)
        if change.is_empty():
            raise ValidationError(_("Choose what to change: the language, or opting out."))
        return change

    def is_empty(self) -> bool:
        return self.language is None and not self.opt_out

    def differs(self) -> Q:
        condition = Q(pk__in=[])
        if self.language is not None:
            condition |= ~Q(language=self.language)
        if self.opt_out:
            condition |= self.opts_out()
        return condition

    def opts_out(self) -> Q:
        """Return the condition of a contact this change opts out."""
        return Q(opted_out=False) if self.opt_out else Q(pk__in=[])

    def rules(self) -> list[Rule]:
        """Return why a contact cannot take this change: voided or erased, as
        ``Contact.objects.editable`` defines the contacts that take edits."""
        return [
            Rule(
                refuses=~Q(pk__in=Contact.objects.editable().values("pk")),
                message=_locked_message,
            )
        ]


def contact_bulk_outcome(contacts: QuerySet[Contact], change: ContactChange) -> BulkOutcome:
    """Return what the change would do to the contacts selected."""
    return bulk_outcome(selected(Contact, contacts), differs=change.differs(), rules=change.rules())


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
