"""Writes to the customer register: customers, contacts, the catalogue, erasure, and
bulk changes from the lists."""

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

import django.dispatch
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import update_with_history
from core.email import emails_erase
from core.erasure import ERASED, Pseudonyms
from core.history import attribute_change
from core.models import User
from core.records import ensure_editable, lock_rows, lock_stored, status_changed
from core.services import admin_log_erase
from customers.models import (
    Contact,
    Customer,
    Erasure,
    ProductService,
    Segment,
    SuppressedEmail,
    email_hash,
)
from customers.register import bulk, selectors
from customers.register.bulk import BulkOutcome, ContactChange, CustomerChange

# Sent inside the erasure's transaction with the contact, its old email and the
# ``pseudonyms`` (``core.erasure.Pseudonyms``: what the person was called and what
# replaces it): the imports and higher apps pseudonymise what they store about the
# contact (answers, log entries, free text that names them).
contact_erased = django.dispatch.Signal()

ERASED_NAME = "Erased contact"


@transaction.atomic
def customer_save(
    *,
    customer: Customer,
    by: User,
    status: str,
    segments: Iterable[Segment] | None = None,
    products: Iterable[ProductService] | None = None,
) -> Customer:
    """Save a customer from a form, moving its status only along the workflow.

    A new account owner is one of ``selectors.account_owners``; a stored one who has
    left since stays until someone else is chosen.
    """
    stored = None
    if customer.pk is not None:
        stored = lock_stored(customer)
        ensure_editable(stored)
    owner_id = customer.account_owner_id
    if (
        owner_id is not None
        and owner_id != (stored.account_owner_id if stored else None)
        and not selectors.account_owners().filter(pk=owner_id).exists()
    ):
        raise ValidationError(
            {
                "account_owner": _(
                    "%(person)s cannot own a customer account: choose an active person "
                    "whose role owns accounts."
                )
                % {"person": customer.account_owner}
            }
        )
    attribute_change(customer, by=by)  # also when the status stays
    customer.move_to(status, stored=stored.status if stored else None, by=by)
    if customer.status != Customer.Status.LOST:
        customer.lost_on, customer.lost_reason = None, ""
    customer.full_clean()
    customer.save()
    if segments is not None:
        customer.segments.set(segments)
    if products is not None:
        customer.products.set(products)
    return customer


@transaction.atomic
def contact_save(*, contact: Contact, by: User) -> Contact:
    """Save a contact from a form, stamping when it opted out or bounced.

    A new address (a new contact's, or a changed one) on the suppression list is
    refused: the person was erased or unsubscribed.
    """
    stored_email = None
    if contact.pk is not None:
        stored = lock_stored(contact)
        ensure_editable(stored)
        stored_email = stored.email
    email = (contact.email or "").strip().lower()
    if email != stored_email and (refused := selectors.suppression_refusal(email)):
        raise ValidationError({"email": refused})
    now = timezone.now()
    if contact.opted_out and contact.opted_out_at is None:
        contact.opted_out_at = now
    if not contact.opted_out:
        contact.opted_out_at = None
    if contact.bounced and contact.bounced_at is None:
        contact.bounced_at = now
    if not contact.bounced:
        contact.bounced_at = None
    attribute_change(contact, by=by)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def catalogue_entry_save(
    *, entry: Segment | ProductService, by: User, data: dict[str, Any]
) -> Segment | ProductService:
    """Save a segment or a catalogue entry from a form's cleaned data."""
    if entry.pk is not None:
        entry = lock_stored(entry)
        ensure_editable(entry)
    for name, value in data.items():
        setattr(entry, name, value)
    attribute_change(entry, by=by)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def contact_erase(
    *, contact: Contact, by: User, requested_by: str, requested_on: date, note: str = ""
) -> Erasure:
    """Erase a contact's personal data on request; keep the records and figures.

    The contact's identifying fields and every history row of it are pseudonymised,
    as are the recipient and bodies of emails sent to it; for a single-person
    customer the customer's name too. Every other mention of what the person was
    called (in any name, address or phone number their history holds) is replaced in
    the email log, the admin's log of actions, and, through ``contact_erased``, the
    imports (whose files holding the person are deleted) and higher apps. A hash of
    the email goes on the suppression list so that a later import does not bring the
    person back. The erasure itself is logged with who asked and when.
    """
    contact = lock_stored(contact, "customer")
    if contact.is_erased:
        raise ValidationError(_("This contact's personal data was already erased."))
    if not (requested_by or "").strip():
        raise ValidationError({"requested_by": _("Say who asked for the erasure.")})
    old_email = contact.email
    pseudonym = {
        "name": f"{ERASED_NAME} {contact.pk}",
        "email": f"erased-{contact.pk}@erased.invalid",
        "phone": "",
        "role": "",
    }
    customer = contact.customer
    single_person = customer.kind == Customer.Kind.PERSON
    # Read before the history rows are overwritten: they hold earlier names too.
    pseudonyms, addresses = _erased_identifiers(contact, pseudonym, single_person)
    SuppressedEmail.objects.in_force().get_or_create(
        email_hash=email_hash(old_email),
        defaults={"reason": SuppressedEmail.Reason.ERASED, "created_by": by},
    )
    # The erasure is the one write allowed to reach into history rows.
    Contact.history.filter(id=contact.pk).update(**pseudonym)
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(
        **pseudonym,
        consent=False,
        consent_on=None,
        consent_source="",
        opted_out=True,
        opted_out_at=contact.opted_out_at or now,
        erased_at=now,
    )
    emails_erase(addresses=addresses, replacement=pseudonym["email"], pseudonyms=pseudonyms)
    # The reasons on its history rows are free text, which may name the person.
    _scrub_text(Contact.history.filter(id=contact.pk), ["history_change_reason"], pseudonyms)
    logged: list[tuple[Model, str]] = [(contact, pseudonym["name"])]
    if single_person:
        customer_name = f"{ERASED_NAME} {contact.pk}"
        Customer.history.filter(id=customer.pk).update(name=customer_name, notes="")
        Customer.objects.filter(pk=customer.pk).update(name=customer_name, notes="")
        _scrub_text(
            Customer.history.filter(id=customer.pk),
            ["lost_reason", "history_change_reason"],
            pseudonyms,
        )
        _scrub_text(Customer.objects.filter(pk=customer.pk), ["lost_reason"], pseudonyms)
        logged.append((customer, customer_name))
    admin_log_erase(records=logged, pseudonyms=pseudonyms)
    erasure = Erasure.objects.create(
        contact=contact,
        requested_by=requested_by.strip(),
        requested_on=requested_on,
        note=note,
        performed_by=by,
    )
    contact_erased.send(
        sender=Contact,
        contact=contact,
        old_email=old_email,
        erasure=erasure,
        pseudonyms=pseudonyms,
    )
    return erasure


def _scrub_text(rows: QuerySet, fields: list[str], pseudonyms: Pseudonyms) -> None:
    """Scrub the person from free text that people wrote on the given rows (reasons)."""
    for pk, *texts in rows.values_list("pk", *fields):
        scrubbed = [pseudonyms.scrub(text or "") for text in texts]
        if scrubbed != [text or "" for text in texts]:
            rows.filter(pk=pk).update(**dict(zip(fields, scrubbed, strict=True)))


def _erased_identifiers(
    contact: Contact, pseudonym: dict[str, str], single_person: bool
) -> tuple[Pseudonyms, set[str]]:
    """Return what the person was called, as the contact and its history hold it, each
    with its pseudonym; and every address they had."""
    names, addresses, phones = {contact.name}, {contact.email}, {contact.phone}
    for name, email, phone in Contact.history.filter(id=contact.pk).values_list(
        "name", "email", "phone"
    ):
        names.add(name)
        addresses.add(email)
        phones.add(phone)
    if single_person:
        names.update(Customer.history.filter(id=contact.customer_id).values_list("name", flat=True))
        names.add(contact.customer.name)
    replacements = dict.fromkeys(phones, ERASED)
    replacements |= dict.fromkeys(names, pseudonym["name"])
    replacements |= dict.fromkeys(addresses, pseudonym["email"])
    return Pseudonyms(replacements), {email for email in addresses if email}


# Bulk changes from the customer and contact lists -----------------------------------

# History keeps at most 100 characters of a reason; "Bulk change: " takes 13.
BULK_REASON_MAX = 80


class BulkRefusedError(ValidationError):
    """Raised when some of the records selected cannot take a bulk change: nothing is
    changed, and ``outcome`` says which cannot and why."""

    def __init__(self, message: str, outcome: BulkOutcome) -> None:
        super().__init__(message)
        self.outcome = outcome


def _bulk_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > BULK_REASON_MAX:
        raise ValidationError(
            {
                "reason": _("Keep the reason to %(limit)s characters; it has %(length)s.")
                % {"limit": BULK_REASON_MAX, "length": len(reason)}
            }
        )
    return _("Bulk change: %(reason)s") % {"reason": reason} if reason else _("Bulk change")


def _bulk_check(
    outcome: BulkOutcome,
    *,
    noun: str,
    expected: str | None,
    leave_out_refused: bool,
) -> None:
    """Refuse the whole change if any record refuses it (unless asked to leave those
    out), or if the outcome is no longer what the person confirmed."""
    if outcome.refused_count and not leave_out_refused:
        raise BulkRefusedError(
            _("%(count)s of the %(noun)s selected cannot take this change, so none was changed.")
            % {"count": outcome.refused_count, "noun": noun},
            outcome,
        )
    if expected is not None and outcome.token != expected:
        raise BulkRefusedError(
            _(
                "The register changed since you confirmed: the %(noun)s that would change "
                "are no longer those you saw. Nothing was changed; check the figures again."
            )
            % {"noun": noun},
            outcome,
        )


@transaction.atomic
def customers_bulk_update(
    *,
    customers: QuerySet[Customer],
    by: User,
    segment: Segment | None = None,
    account_owner: User | None = None,
    status: str | None = None,
    lost_on: date | None = None,
    lost_reason: str = "",
    reason: str = "",
    expected: str | None = None,
    leave_out_refused: bool = False,
) -> BulkOutcome:
    """Add the selected customers to a segment, give them an account owner or move
    their status, all of them or none, with one history row per customer changed.

    The rows are locked and checked together: a voided customer, or a move its
    workflow does not allow, refuses the change and nothing is written (unless
    ``leave_out_refused``, after the person saw which). A customer already so is left
    as it is, without a history row. ``expected`` is the ``token`` of the outcome the
    person confirmed; if the register has moved on since, nothing is written. The
    queries do not grow with the number of customers. Each status move is announced
    with ``status_changed`` after commit.
    """
    if not by.has_perm("customers.change_customer"):
        raise PermissionDenied
    change = CustomerChange.checked(
        segment=segment,
        account_owner=account_owner,
        status=status,
        lost_on=lost_on,
        lost_reason=lost_reason,
    )
    history_reason = _bulk_reason(reason)
    lock_rows(customers)
    rows = bulk.selected(Customer, customers)
    outcome = bulk.customer_bulk_outcome(customers, change)
    _bulk_check(
        outcome, noun=_("customers"), expected=expected, leave_out_refused=leave_out_refused
    )
    refused = bulk.refusing(change.rules())
    taking = rows.filter(change.differs() & ~refused)
    links = {"segments": change.segment} if change.segment is not None else {}
    values: dict[str, Any] = {}
    if change.account_owner is not None:
        values["account_owner"] = change.account_owner
    if change.status is None:
        update_with_history(taking, values, by=by, reason=history_reason, add_links=links)
        return outcome
    # A customer already in the status keeps its own loss date and reason: those that
    # stay are changed first, so the move's condition still finds the others.
    if values or links:
        staying = taking.filter(~change.moves())
        update_with_history(staying, values, by=by, reason=history_reason, add_links=links)
    moving = taking.filter(change.moves())
    old = dict(moving.values_list("pk", "status"))
    values["status"] = change.status
    lost = change.status == Customer.Status.LOST
    values["lost_on"] = change.lost_on if lost else None
    values["lost_reason"] = change.lost_reason if lost else ""
    _count, written = update_with_history(
        moving, values, by=by, reason=history_reason, add_links=links
    )
    transaction.on_commit(
        partial(_announce_moves, written, old, status=change.status, by=by, reason=history_reason)
    )
    return outcome


def _announce_moves(
    written: QuerySet, old: dict[int, str], *, status: str, by: User, reason: str
) -> None:
    """Announce each customer's move, as a saved move does (``WorkflowModel.save``)."""
    if not status_changed.has_listeners(Customer):
        return
    moved = Customer.objects.filter(pk__in=written.values("id"))
    for customer in moved.iterator():
        status_changed.send(
            sender=Customer,
            instance=customer,
            old=old.get(customer.pk),
            new=status,
            by=by,
            reason=reason,
        )


@transaction.atomic
def contacts_bulk_update(
    *,
    contacts: QuerySet[Contact],
    by: User,
    language: str | None = None,
    opt_out: bool = False,
    reason: str = "",
    expected: str | None = None,
    leave_out_refused: bool = False,
) -> BulkOutcome:
    """Set the selected contacts' language or mark them opted out, all of them or
    none, with one history row per contact changed.

    As ``customers_bulk_update``: a voided or erased contact refuses the change; one
    already so is left alone. A contact already opted out keeps the time it did.
    """
    if not by.has_perm("customers.change_contact"):
        raise PermissionDenied
    change = ContactChange.checked(language=language, opt_out=opt_out)
    history_reason = _bulk_reason(reason)
    lock_rows(contacts)
    rows = bulk.selected(Contact, contacts)
    outcome = bulk.contact_bulk_outcome(contacts, change)
    _bulk_check(outcome, noun=_("contacts"), expected=expected, leave_out_refused=leave_out_refused)
    refused = bulk.refusing(change.rules())
    taking = rows.filter(change.differs() & ~refused)
    values: dict[str, Any] = {}
    if language is not None:
        values["language"] = language
    if opt_out:
        if values:
            staying = taking.filter(~change.opts_out())
            update_with_history(staying, values, by=by, reason=history_reason)
        taking = taking.filter(change.opts_out())
        values.update(opted_out=True, opted_out_at=timezone.now())
    update_with_history(taking, values, by=by, reason=history_reason)
    return outcome


@transaction.atomic
def suppression_lift(*, email: str, by: User, reason: str) -> SuppressedEmail:
    """Lift the suppression of an address on the person's new, explicit request.

    The entry stays, hash only, with who lifted it, when and why; the address may then
    be added to a contact or imported again. Erasing it again suppresses it again.
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say how and when the person asked again.")})
    entry = (
        SuppressedEmail.objects.in_force()
        .select_for_update()
        .filter(email_hash=email_hash(email))
        .first()
    )
    if entry is None:
        raise ValidationError({"email": _("This address is not on the suppression list.")})
    entry.lifted_at = timezone.now()
    entry.lifted_by = by
    entry.lift_reason = reason.strip()
    entry.full_clean()
    entry.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return entry


def contact_figures_refresh() -> dict[str, Any]:
    """Count the home page's contact figures again and keep them for the pages."""
    return selectors.contact_figures(recount=True)
