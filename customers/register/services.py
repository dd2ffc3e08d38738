"""Writes to the customer register: customers, contacts, the catalogue, erasure."""

from collections.abc import Iterable
from datetime import date
from typing import Any

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import attribute_change
from core.models import OutboundEmail, User
from core.records import ensure_editable, lock_stored
from customers.models import (
    Contact,
    Customer,
    Erasure,
    ProductService,
    Segment,
    SuppressedEmail,
    email_hash,
)
from customers.register import selectors

# Sent inside the erasure's transaction; higher apps pseudonymise what they store
# about the contact (answers, log entries).
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
    customer the customer's name too. A hash of the email goes on the suppression
    list so that a later import does not bring the person back. The erasure itself
    is logged with who asked and when.
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
    OutboundEmail.objects.filter(recipient__iexact=old_email).update(
        recipient=pseudonym["email"], body_text="", body_html="", secrets=[]
    )
    customer = contact.customer
    if customer.kind == Customer.Kind.PERSON:
        customer_name = f"{ERASED_NAME} {contact.pk}"
        Customer.history.filter(id=customer.pk).update(name=customer_name, notes="")
        Customer.objects.filter(pk=customer.pk).update(name=customer_name, notes="")
    erasure = Erasure.objects.create(
        contact=contact,
        requested_by=requested_by.strip(),
        requested_on=requested_on,
        note=note,
        performed_by=by,
    )
    contact_erased.send(sender=Contact, contact=contact, old_email=old_email, erasure=erasure)
    return erasure


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
