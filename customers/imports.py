"""CSV import of customers and contacts: check everything first, then all or nothing.

``check()`` reads the whole file and works out, row by row, what an import would do
(create, update, leave unchanged, skip) and every error, with a few queries for
the whole file rather than a few per row. ``apply()`` runs that plan in one
transaction with bulk writes that record history. A file with any error imports
nothing. It is written for speed (the benchmark in ``bench/`` imports 50,000
contacts): django-import-export validates and saves row by row, which is an order
of magnitude slower here.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from core.history import (
    bulk_create_with_history,
    bulk_update_with_history,
    insert_with_history,
)
from core.models import User
from customers.models import Contact, Customer, ImportJob, Segment, SuppressedEmail, email_hash

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Larger files are checked and imported by a Celery task, with progress on the page.
ASYNC_ROW_THRESHOLD = 2000
MAX_REPORTED = 200
BATCH_SIZE = 5000

CONTACT_COLUMNS = {
    "required": ["customer", "name", "email"],
    "optional": [
        "customer_country",
        "phone",
        "role",
        "language",
        "consent",
        "consent_on",
        "consent_source",
        "opted_out",
    ],
}
CUSTOMER_COLUMNS = {
    "required": ["name"],
    "optional": [
        "kind",
        "status",
        "country",
        "segments",
        "account_owner",
        "tier",
        "revenue_band",
        "lost_on",
        "lost_reason",
        "notes",
    ],
}
COLUMNS: dict[str, dict[str, list[str]]] = {
    ImportJob.Kind.CONTACTS: CONTACT_COLUMNS,
    ImportJob.Kind.CUSTOMERS: CUSTOMER_COLUMNS,
}
PHONE = re.compile(r"^[0-9+()./\s-]*(?:\s*(?:ext|x)\.?\s*[0-9]+)?$", re.IGNORECASE)
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


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


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says what to fix."""


@dataclass
class Plan:
    """What importing a file would do."""

    kind: str
    total: int = 0
    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    segment_links: dict[int, list[int]] = field(default_factory=dict)
    # Looked up once: choice labels are matched in the language of the request.
    language: str = field(default_factory=lambda: get_language() or "en")

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def preview(self) -> dict[str, Any]:
        return {
            "counts": {
                "rows": self.total,
                "create": len(self.creates),
                "update": len(self.updates),
                "unchanged": self.unchanged,
                "skip": len(self.skipped),
                "errors": len(self.errors),
            },
            "errors": self.errors[:MAX_REPORTED],
            "more_errors": max(0, len(self.errors) - MAX_REPORTED),
            "skipped": self.skipped[:MAX_REPORTED],
            "sample": self.sample[:20],
        }


def read_csv(data: bytes, kind: str) -> list[dict[str, str]]:
    """Return the rows of a CSV file as dicts keyed by its (checked) headers."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB: split it into smaller files."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (byte %(position)d cannot be read). Save it "
                'from your spreadsheet as "CSV UTF-8" and upload it again.'
            )
            % {"position": exc.start + 1}
        ) from exc
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [name.strip().lower() for name in next(reader, [])]
    columns = COLUMNS[kind]
    missing = [name for name in columns["required"] if name not in headers]
    unknown = [name for name in headers if name not in columns["required"] + columns["optional"]]
    if missing or unknown or len(set(headers)) != len(headers):
        parts = []
        if missing:
            parts.append(_("missing: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("not known: %(names)s") % {"names": ", ".join(unknown)})
        if len(set(headers)) != len(headers):
            parts.append(_("a column appears twice"))
        raise ImportFileError(
            _("The header row does not fit (%(problems)s). The columns are: %(columns)s.")
            % {
                "problems": "; ".join(parts),
                "columns": ", ".join(columns["required"] + columns["optional"]),
            }
        )
    width = len(headers)
    rows = []
    for cells in reader:
        if not any(cells):
            continue  # a blank line
        if len(cells) > width:
            raise ImportFileError(
                _("Row %(row)d has more cells than the header row.") % {"row": reader.line_num}
            )
        padded = cells + [""] * (width - len(cells))
        rows.append(dict(zip(headers, map(str.strip, padded), strict=True)))
    if not rows:
        raise ImportFileError(_("The file has a header row but no data."))
    return rows


@lru_cache(maxsize=64)
def _choice_map(choices: Any, language: str | None) -> dict[str, str]:
    # Labels are translated: one map per language, built once, not once per row.
    mapping = {}
    for choice_value, label in choices.choices:
        mapping[str(label).lower()] = str(choice_value)
        mapping[str(choice_value).lower()] = str(choice_value)
    return mapping


def _choice(value: str, choices: Any, default: str = "", language: str | None = None) -> str | None:
    """Return the choice matching a value or a label, case-insensitively; None if none."""
    if not value:
        return default
    return _choice_map(choices, language or get_language()).get(value.strip().lower())


def _bool(value: str) -> bool | None:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    return None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _country(value: str) -> str | None:
    if not value:
        return ""
    if value.upper() in dict(countries):
        return value.upper()
    return countries.by_name(value) or None


def _labels(choices: Any) -> str:
    return ", ".join(str(value) for value, _label in choices.choices)


def _present(
    values: dict[str, Any], row: dict[str, str], fields: dict[str, list[str]]
) -> dict[str, Any]:
    """Keep the values whose columns the file has: an update leaves the others alone."""
    kept = {field for column, names in fields.items() if column in row for field in names}
    return {name: value for name, value in values.items() if name in kept}


# Contacts -------------------------------------------------------------------------

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
    suppressed = set(SuppressedEmail.objects.values_list("email_hash", flat=True))
    existing = {
        (contact.customer_id, contact.email): contact
        for contact in Contact.objects.active().filter(erased_at__isnull=True)
    }
    seen: dict[tuple[int, str], int] = {}
    for number, row in enumerate(rows, start=2):
        errors_before = len(plan.errors)
        customer_id = _resolve_customer(plan, number, row, customers)
        email = row["email"].lower()
        if not email_ok(email):
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
            plan.skipped.append(
                {
                    "row": number,
                    "email": email,
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
            action = _plan_contact_update(plan, contact, row, values)
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
    plan: Plan, contact: Contact, row: dict[str, str], values: dict[str, Any]
) -> str:
    """Plan the update of an existing contact; return the action."""
    values = _present(values, row, CONTACT_COLUMN_FIELDS)
    if "consent_source" not in row and contact.consent_source and values.get("consent"):
        # The file says nothing of the source: keep the one recorded.
        values.pop("consent_source", None)
    if all(getattr(contact, name) == value for name, value in values.items()):
        plan.unchanged += 1
        return "unchanged"
    for name, value in values.items():
        setattr(contact, name, value)
    plan.updates.append(contact)
    return "update"


def _resolve_customer(
    plan: Plan, number: int, row: dict[str, str], customers: dict[str, list[tuple[int, str]]]
) -> int | None:
    matches = customers.get(row["customer"].lower(), [])
    country = row.get("customer_country", "")
    if country:
        code = _country(country)
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
    elif len(name) > 150:
        plan.error(number, "name", _("The name is longer than 150 characters."))
    phone = row.get("phone", "")
    if len(phone) > 40 or not PHONE.match(phone):
        plan.error(number, "phone", _("'%(value)s' is not a phone number.") % {"value": phone})
    language = _choice(
        row.get("language", ""), Contact.Language, Contact.Language.ENGLISH, plan.language
    )
    if language is None:
        plan.error(
            number,
            "language",
            _("The language must be one of: %(choices)s.") % {"choices": _labels(Contact.Language)},
        )
    consent = _bool(row.get("consent", ""))
    if consent is None:
        plan.error(number, "consent", _("Consent must be yes or no."))
    consent_on = _date(row.get("consent_on", "")) if row.get("consent_on") else None
    if row.get("consent_on") and consent_on is None:
        plan.error(number, "consent_on", _("The date must be written as YYYY-MM-DD."))
    source = _choice(row.get("consent_source", ""), Contact.ConsentSource, "", plan.language)
    if source is None:
        plan.error(
            number,
            "consent_source",
            _("The consent source must be one of: %(choices)s.")
            % {"choices": _labels(Contact.ConsentSource)},
        )
    if consent:
        if consent_on is None and not row.get("consent_on"):
            plan.error(number, "consent_on", _("Consent needs the date it was given."))
        source = source or Contact.ConsentSource.IMPORT
    opted_out = _bool(row.get("opted_out", ""))
    if opted_out is None:
        plan.error(number, "opted_out", _("Opted out must be yes or no."))
    return {
        "name": name,
        "phone": phone,
        "role": row.get("role", "")[:100],
        "language": language,
        "consent": bool(consent),
        "consent_on": consent_on if consent else None,
        "consent_source": source if consent else "",
        "opted_out": bool(opted_out),
    }


# Customers ------------------------------------------------------------------------

CUSTOMER_COLUMN_FIELDS = {
    "kind": ["kind"],
    "status": ["status", "lost_on", "lost_reason"],
    "account_owner": ["account_owner_id"],
    "tier": ["tier"],
    "revenue_band": ["revenue_band"],
    "lost_on": ["lost_on"],
    "lost_reason": ["lost_reason"],
    "notes": ["notes"],
}
CUSTOMER_FIELDS = [
    "kind",
    "status",
    "account_owner_id",
    "tier",
    "revenue_band",
    "lost_on",
    "lost_reason",
    "notes",
]


def check_customers(rows: list[dict[str, str]]) -> Plan:
    plan = Plan(kind=ImportJob.Kind.CUSTOMERS, total=len(rows))
    existing = {
        (customer.name.lower(), str(customer.country)): customer
        for customer in Customer.objects.active().prefetch_related("segments")
    }
    segments = dict(Segment.objects.active().values_list(Lower("name"), "pk"))
    owners = dict(User.objects.filter(is_active=True).values_list("email", "pk"))
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        errors_before = len(plan.errors)
        name = row["name"]
        if not name:
            plan.error(number, "name", _("The name is missing."))
        elif len(name) > 200:
            plan.error(number, "name", _("The name is longer than 200 characters."))
        country = _country(row.get("country", ""))
        if country is None:
            plan.error(
                number,
                "country",
                _("'%(value)s' is not a country name or code.") % {"value": row["country"]},
            )
        values = _customer_values(plan, number, row, owners)
        segment_ids = _segment_ids(plan, number, row, segments)
        if len(plan.errors) > errors_before:
            continue
        key = (name.lower(), country or "")
        if key in seen:
            plan.error(
                number,
                "name",
                _("The same customer is on row %(row)d already.") % {"row": seen[key]},
            )
            continue
        seen[key] = number
        customer = existing.get(key)
        if customer is None:
            customer = Customer(name=name, country=country or "", **values)
            plan.creates.append(customer)
            action = "create"
        else:
            planned = _plan_customer_update(
                plan,
                number,
                customer,
                _present(values, row, CUSTOMER_COLUMN_FIELDS),
                segment_ids if "segments" in row else None,
            )
            if planned is None:
                continue
            action = planned
        if "segments" in row:
            plan.segment_links[id(customer)] = segment_ids
        if len(plan.sample) < 20:
            plan.sample.append(
                {"row": number, "action": action, "name": name, "email": "", "customer": name}
            )
    return plan


def _segment_ids(
    plan: Plan, number: int, row: dict[str, str], segments: dict[str, int]
) -> list[int]:
    ids = []
    for segment_name in filter(None, (s.strip() for s in row.get("segments", "").split(";"))):
        if segment_name.lower() in segments:
            ids.append(segments[segment_name.lower()])
        else:
            plan.error(
                number, "segments", _("No segment is named '%(name)s'.") % {"name": segment_name}
            )
    return ids


def _plan_customer_update(
    plan: Plan,
    number: int,
    customer: Customer,
    values: dict[str, Any],
    segment_ids: list[int] | None,
) -> str | None:
    """Plan the update of an existing customer; return the action, or None on an error."""
    status = values.get("status", customer.status)
    if status != customer.status and status not in customer.allowed_transitions():
        plan.error(
            number,
            "status",
            _("The customer is %(current)s and cannot be made %(target)s.")
            % {
                "current": customer.get_status_display().lower(),
                "target": dict(Customer.Status.choices)[status].lower(),
            },
        )
        return None
    changed = [n for n, v in values.items() if getattr(customer, n) != v]
    current_segments = {segment.pk for segment in customer.segments.all()}
    if not changed and (segment_ids is None or current_segments == set(segment_ids)):
        plan.unchanged += 1
        return "unchanged"
    for n, v in values.items():
        setattr(customer, n, v)
    plan.updates.append(customer)
    return "update"


def _customer_values(
    plan: Plan, number: int, row: dict[str, str], owners: dict[str, int]
) -> dict[str, Any]:
    def choice(column: str, choices: Any, default: str) -> str:
        value = _choice(row.get(column, ""), choices, default, plan.language)
        if value is None:
            plan.error(
                number, column, _("Must be one of: %(choices)s.") % {"choices": _labels(choices)}
            )
            return default
        return value

    status = choice("status", Customer.Status, Customer.Status.PROSPECT)
    owner_email = row.get("account_owner", "").lower()
    owner_id = owners.get(owner_email) if owner_email else None
    if owner_email and owner_id is None:
        plan.error(
            number,
            "account_owner",
            _("No active user has the email '%(value)s'.") % {"value": owner_email},
        )
    lost_on = _date(row.get("lost_on", "")) if row.get("lost_on") else None
    if row.get("lost_on") and lost_on is None:
        plan.error(number, "lost_on", _("The date must be written as YYYY-MM-DD."))
    lost_reason = row.get("lost_reason", "")
    if status == Customer.Status.LOST and (lost_on is None or not lost_reason):
        plan.error(number, "status", _("A lost customer needs lost_on and lost_reason."))
    return {
        "kind": choice("kind", Customer.Kind, Customer.Kind.ORGANISATION),
        "status": status,
        "account_owner_id": owner_id,
        "tier": choice("tier", Customer.Tier, Customer.Tier.STANDARD),
        "revenue_band": choice("revenue_band", Customer.RevenueBand, ""),
        "lost_on": lost_on if status == Customer.Status.LOST else None,
        "lost_reason": lost_reason if status == Customer.Status.LOST else "",
        "notes": row.get("notes", ""),
    }


# Checking and applying -----------------------------------------------------------

CHECKERS: dict[str, Callable[[list[dict[str, str]]], Plan]] = {
    ImportJob.Kind.CONTACTS: check_contacts,
    ImportJob.Kind.CUSTOMERS: check_customers,
}


def check(kind: str, data: bytes) -> Plan:
    """Return what importing the file would do; raise ImportFileError if it is unreadable."""
    return CHECKERS[kind](read_csv(data, kind))


def _batches(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


@transaction.atomic
def apply(plan: Plan, *, by: User, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Carry out a plan with no errors in one transaction; return what it did."""
    if plan.errors:
        raise ValueError("a plan with errors is never applied")
    reason = _("CSV import")
    model = Contact if plan.kind == ImportJob.Kind.CONTACTS else Customer
    fields = CONTACT_FIELDS if model is Contact else CUSTOMER_FIELDS
    history = model.history.model
    last_history_id = history.objects.aggregate(last=Max("history_id"))["last"] or 0
    done = 0
    for batch in _batches(plan.creates):
        if model is Contact:
            insert_with_history(Contact, batch, by=by, reason=reason)
        else:
            bulk_create_with_history(batch, model, by=by, reason=reason, batch_size=BATCH_SIZE)
        done += len(batch)
        if progress:
            progress(done)
    for batch in _batches(plan.updates):
        bulk_update_with_history(batch, model, fields, by=by, reason=reason, batch_size=BATCH_SIZE)
        done += len(batch)
        if progress:
            progress(done)
    if plan.segment_links:
        links = Customer.segments.through
        objects = [c for c in plan.creates + plan.updates if id(c) in plan.segment_links]
        links.objects.filter(customer__in=[c.pk for c in objects]).delete()
        links.objects.bulk_create(
            [
                links(customer_id=customer.pk, segment_id=segment_id)
                for customer in objects
                for segment_id in plan.segment_links[id(customer)]
            ],
            batch_size=BATCH_SIZE,
        )
    if model is Customer:
        _record_links_in_history([c.pk for c in plan.creates + plan.updates], last_history_id)
    return {"created": len(plan.creates), "updated": len(plan.updates)}


def _record_links_in_history(customer_ids: list[int], after_history_id: int) -> None:
    """Give each history row the import wrote its customer's segments and products.

    The bulk history helpers write no many-to-many snapshot; without one the history
    would show the links as missing on the import's row and added on the next.
    """
    if not customer_ids:
        return
    rows = list(
        Customer.history.filter(id__in=customer_ids, history_id__gt=after_history_id).values_list(
            "history_id", "id"
        )
    )
    for name, target in (("segments", "segment_id"), ("products", "productservice_id")):
        through = getattr(Customer, name).through
        snapshot = apps.get_model("customers", f"HistoricalCustomer_{name}")
        links: dict[int, list[tuple[int, int]]] = {}
        for link_id, customer_id, target_id in through.objects.filter(
            customer_id__in=customer_ids
        ).values_list("pk", "customer_id", target):
            links.setdefault(customer_id, []).append((link_id, target_id))
        snapshot.objects.bulk_create(
            [
                snapshot(
                    id=link_id,
                    history_id=history_id,
                    customer_id=customer_id,
                    **{target: target_id},
                )
                for history_id, customer_id in rows
                for link_id, target_id in links.get(customer_id, [])
            ],
            batch_size=BATCH_SIZE,
        )
