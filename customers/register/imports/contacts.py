"""Checking a file of contacts against the register: match, create, update or skip."""

import re
from functools import lru_cache
from typing import Any

from django.core.validators import EmailValidator
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from customers.models import Contact, Customer, ImportJob, SuppressedEmail, email_hash
from customers.register.imports.plan import Plan, columns_present, masked_email, shown
from customers.register.imports.reading import (
    CHOICE_COLUMNS,
    choice_labels,
    length_refusal,
    parse_bool,
    parse_choice,
    parse_country,
    parse_date,
)
from customers.register.models import PHONE

_email_validator = EmailValidator()
_EMAIL_USER = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)


@lru_cache(maxsize=4096)
def _email_domain_ok(domain: str) -> bool:
    # A file holds many addresses at few domains: each domain is checked once.
    return domain in _email_validator.domain_allowlist or _email_validator.validate_domain_part(
        domain
    )


def email_ok(value: str) -> bool:
    """Apply Django's EmailValidator rules, faster for a file's worth of addresses."""
    if not value or "@" not in value or len(value) > 320:
        return False
    user, domain = value.rsplit("@", 1)
    return bool(_EMAIL_USER.match(user)) and _email_domain_ok(domain)


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
    for pk, name, country in Customer.objects.active().values_list("pk", Lower("name"), "country"):
        by_name.setdefault(name, []).append((pk, str(country)))
    return by_name


def check_contacts(rows: list[dict[str, str]]) -> Plan:
    plan = Plan(kind=ImportJob.Kind.CONTACTS, total=len(rows))
    customers = _customers_by_name()
    suppressed = set(SuppressedEmail.objects.in_force().values_list("email_hash", flat=True))
    existing = {
        (contact.customer_id, contact.email): contact for contact in Contact.objects.editable()
    }
    seen: dict[tuple[int, str], int] = {}
    for number, row in enumerate(rows, start=2):
        errors_before = len(plan.errors)
        customer_id = _resolve_customer(plan, number, row, customers)
        email = row["email"].lower()
        if too_long := length_refusal(Contact, "email", email):
            plan.error(number, "email", too_long)
        elif not email_ok(email):
            plan.error(
                number, "email", _("'%(value)s' is not an email address.") % {"value": row["email"]}
            )
        values = _contact_values(plan, number, row)
        if len(plan.errors) > errors_before or customer_id is None:
            continue
        key = (customer_id, email)
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
        contact = existing.get(key)
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


def _plan_contact_update(
    plan: Plan, number: int, contact: Contact, row: dict[str, str], values: dict[str, Any]
) -> str:
    """Plan the update of an existing contact; return the action."""
    values = columns_present(values, row, CONTACT_COLUMN_FIELDS)
    if "consent_source" not in row and contact.consent_source and values.get("consent"):
        # The file says nothing of the source: keep the one recorded.
        values.pop("consent_source", None)
    changed = [name for name, value in values.items() if getattr(contact, name) != value]
    if not changed:
        plan.unchanged += 1
        return "unchanged"
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


def _contact_values(plan: Plan, number: int, row: dict[str, str]) -> dict[str, Any]:
    name = row["name"]
    if not name:
        plan.error(number, "name", _("The name is missing."))
    elif too_long := length_refusal(Contact, "name", name):
        plan.error(number, "name", too_long)
    phone = row.get("phone", "")
    if too_long := length_refusal(Contact, "phone", phone):
        plan.error(number, "phone", too_long)
    elif not PHONE.match(phone):
        plan.error(number, "phone", _("'%(value)s' is not a phone number.") % {"value": phone})
    role = row.get("role", "")
    if too_long := length_refusal(Contact, "role", role):
        plan.error(number, "role", too_long)
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
    consent = parse_bool(row.get("consent", ""))
    if consent is None:
        plan.error(number, "consent", _("Consent must be yes or no."))
    consent_on = parse_date(row.get("consent_on", "")) if row.get("consent_on") else None
    if row.get("consent_on") and consent_on is None:
        plan.error(number, "consent_on", _("The date must be written as YYYY-MM-DD."))
    source = parse_choice(
        row.get("consent_source", ""), CHOICES["consent_source"], "", plan.language
    )
    if source is None:
        plan.error(
            number,
            "consent_source",
            _("The consent source must be one of: %(choices)s.")
            % {"choices": choice_labels(CHOICES["consent_source"])},
        )
    if consent:
        if consent_on is None and not row.get("consent_on"):
            plan.error(number, "consent_on", _("Consent needs the date it was given."))
        source = source or Contact.ConsentSource.IMPORT
    opted_out = parse_bool(row.get("opted_out", ""))
    if opted_out is None:
        plan.error(number, "opted_out", _("Opted out must be yes or no."))
    return {
        "name": name,
        "phone": phone,
        "role": role,
        "language": language,
        "consent": bool(consent),
        "consent_on": consent_on if consent else None,
        "consent_source": source if consent else "",
        "opted_out": bool(opted_out),
    }
