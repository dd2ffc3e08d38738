"""Checking a file of contacts against the register: match, create, update or skip."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from customers.models import Contact, Customer, ImportJob, SuppressedEmail, email_hash
from customers.register.imports.plan import Plan, columns_present, masked_email, name_key, shown
from customers.register.imports.reading import (
    CHOICE_COLUMNS,
    choice_labels,
    field_refusal,
    parse_bool,
    parse_choice,
    parse_country,
    parse_date,
)
from customers.register.models import PHONE

CONTACT_COLUMN_FIELDS = {
    "name": ["name"],
    "phone": ["phone"],
    "role": ["role"],
    "language": ["language"],
    "consent": ["consent", "consent_on", "consent_source"],
    "consent_on": ["consent_on"],
    "consent_source": ["consent_source"],
    "opted_out": ["opted_out"],
}

CHOICES = CHOICE_COLUMNS[ImportJob.Kind.CONTACTS]
# The text columns and the fields they fill: each cell passes its field's validators.
TEXT_FIELDS = {"name": "name", "email": "email", "phone": "phone", "role": "role"}

CONTACT_FIELDS = [
    "name",
    "phone",
    "role",
    "language",
    "consent",
    "consent_on",
    "consent_source",
    "opted_out",
]


def _customers_by_name() -> dict[str, list[tuple[int, str]]]:
    by_name: dict[str, list[tuple[int, str]]] = {}
    for pk, name, country in Customer.objects.active().values_list("pk", "name", "country"):
        by_name.setdefault(name_key(name), []).append((pk, str(country)))
    return by_name


def check_contacts(rows: list[dict[str, str]]) -> Plan:
    plan = Plan(kind=ImportJob.Kind.CONTACTS, total=len(rows))
    customers = _customers_by_name()
    suppressed = set(SuppressedEmail.objects.in_force().values_list("email_hash", flat=True))
    # Every contact the unique constraint on customer and email counts, erased ones
    # too (voided ones do not count), keyed as the writer matches a row.
    existing = {
        (contact.customer_id, contact.email.lower()): contact
        for contact in Contact.objects.active()
    }
    seen: dict[tuple[int, str], int] = {}
    for number, row in enumerate(rows, start=2):
        if plan.refuse_cells(number, row):
            continue
        errors_before = len(plan.errors)
        customer_id = _resolve_customer(plan, number, row, customers)
        email = row["email"].lower()
        _check_text(plan, number, row, email)
        key = (customer_id or 0, email)
        contact = existing.get(key)
        values = _contact_values(plan, number, row, contact)
        if len(plan.errors) > errors_before or customer_id is None:
            continue
        if key in seen:
            plan.error(
                number,
                "email",
                _("The same customer and email are on row %(row)d already.") % {"row": seen[key]},
            )
            continue
        seen[key] = number
        if email_hash(email) in suppressed:
            # The list keeps only a hash of the address, and so does the preview.
            plan.skipped.append(
                {
                    "row": number,
                    "email": masked_email(email),
                    "reason": _("on the suppression list (erased or unsubscribed)"),
                }
            )
            continue
        if contact is None:
            # A plain dict: a model instance per row costs more than the insert does.
            plan.creates.append({"customer_id": customer_id, "email": email, **values})
            action = "create"
        else:
            action = _plan_contact_update(plan, number, contact, row, values)
        if len(plan.sample) < 20:
            plan.sample.append(
                {
                    "row": number,
                    "action": action,
                    "name": values["name"],
                    "email": email,
                    "customer": row["customer"],
                }
            )
    return plan


def _check_text(plan: Plan, number: int, row: dict[str, str], email: str) -> None:
    """Check the text cells against their fields, as the contact form does."""
    refused = set()
    for column, field in TEXT_FIELDS.items():
        value = email if column == "email" else row.get(column, "")
        if refusal := field_refusal(Contact, field, value):
            plan.error(number, column, refusal)
            refused.add(column)
    if not row["name"]:
        plan.error(number, "name", _("The name is missing."))
    if not email:
        plan.error(number, "email", _("The email address is missing."))
    phone = row.get("phone", "")
    if "phone" not in refused and not PHONE.match(phone):
        plan.error(number, "phone", _("'%(value)s' is not a phone number.") % {"value": phone})


def _plan_contact_update(
    plan: Plan, number: int, contact: Contact, row: dict[str, str], values: dict[str, Any]
) -> str:
    """Plan the update of an existing contact; return the action."""
    values = columns_present(values, row, CONTACT_COLUMN_FIELDS)
    changed = [name for name, value in values.items() if getattr(contact, name) != value]
    if not changed:
        plan.unchanged += 1
        return "unchanged"
    if contact.is_erased:
        # An exported erased contact imports back unchanged; nothing may change it.
        plan.error(number, "email", contact.lock_reason)
        return "error"
    if plan.wants_changes():
        plan.change(
            number,
            {"name": contact.name, "email": contact.email, "customer": row["customer"]},
            [
                (name, _shown(name, getattr(contact, name)), _shown(name, values[name]))
                for name in changed
            ],
        )
    for name, value in values.items():
        setattr(contact, name, value)
    plan.updates.append(contact)
    return "update"


def _shown(name: str, value: Any) -> str:
    return shown(value, CHOICES.get(name))


def _resolve_customer(
    plan: Plan, number: int, row: dict[str, str], customers: dict[str, list[tuple[int, str]]]
) -> int | None:
    matches = customers.get(row["customer"].lower(), [])
    country = row.get("customer_country", "")
    if country:
        code = parse_country(country)
        matches = [match for match in matches if match[1] == code]
    if len(matches) == 1:
        return matches[0][0]
    if not row["customer"]:
        plan.error(number, "customer", _("The customer is missing."))
    elif not matches:
        plan.error(
            number, "customer", _("No customer is named '%(name)s'.") % {"name": row["customer"]}
        )
    else:
        plan.error(
            number,
            "customer",
            _("Several customers are named '%(name)s': add a customer_country column.")
            % {"name": row["customer"]},
        )
    return None


def _contact_values(
    plan: Plan, number: int, row: dict[str, str], stored: Contact | None
) -> dict[str, Any]:
    """Return the contact's values from the row; where a consent column is missing,
    from the contact as stored (a new contact: none), so that the consent rule holds
    for the contact as it will be."""
    language = parse_choice(
        row.get("language", ""), CHOICES["language"], Contact.Language.ENGLISH, plan.language
    )
    if language is None:
        plan.error(
            number,
            "language",
            _("The language must be one of: %(choices)s.")
            % {"choices": choice_labels(CHOICES["language"])},
        )
    consent, consent_on, source = _consent(plan, number, row, stored)
    opted_out = parse_bool(row.get("opted_out", ""))
    if opted_out is None:
        plan.error(number, "opted_out", _("Opted out must be yes or no."))
    return {
        "name": row["name"],
        "phone": row.get("phone", ""),
        "role": row.get("role", ""),
        "language": language,
        "consent": bool(consent),
        "consent_on": consent_on if consent else None,
        "consent_source": source if consent else "",
        "opted_out": bool(opted_out),
    }


def _consent(
    plan: Plan, number: int, row: dict[str, str], stored: Contact | None
) -> tuple[bool | None, date | None, str | None]:
    """Return the consent, its date and its source, each from its column or, where the
    file lacks the column, as stored; a consent needs its date."""
    if "consent" in row:
        consent = parse_bool(row["consent"])
        if consent is None:
            plan.error(number, "consent", _("Consent must be yes or no."))
    else:
        consent = stored.consent if stored else False
    given_on = row.get("consent_on", "")
    if "consent_on" in row:
        consent_on = parse_date(given_on) if given_on else None
        if given_on and consent_on is None:
            plan.error(number, "consent_on", _("The date must be written as YYYY-MM-DD."))
    else:
        consent_on = stored.consent_on if stored else None
    if "consent_source" in row:
        source = parse_choice(row["consent_source"], CHOICES["consent_source"], "", plan.language)
        if source is None:
            plan.error(
                number,
                "consent_source",
                _("The consent source must be one of: %(choices)s.")
                % {"choices": choice_labels(CHOICES["consent_source"])},
            )
    else:
        # The file says nothing of the source: keep the one recorded.
        source = stored.consent_source if stored else ""
    if consent:
        if consent_on is None and not given_on:
            plan.error(number, "consent_on", _("Consent needs the date it was given."))
        source = source or Contact.ConsentSource.IMPORT
    return consent, consent_on, source
