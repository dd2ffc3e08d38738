"""Checking a file of customers against the register: match, create, update."""

from typing import Any

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from customers.models import Customer, ImportJob, Segment
from customers.register.imports.plan import Plan, columns_present
from customers.register.imports.reading import (
    choice_labels,
    length_refusal,
    parse_choice,
    parse_country,
    parse_date,
)
from customers.register.selectors import account_owners

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
    owners = dict(account_owners().values_list("email", "pk"))
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        errors_before = len(plan.errors)
        name = row["name"]
        if not name:
            plan.error(number, "name", _("The name is missing."))
        elif too_long := length_refusal(Customer, "name", name):
            plan.error(number, "name", too_long)
        country = parse_country(row.get("country", ""))
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
                columns_present(values, row, CUSTOMER_COLUMN_FIELDS),
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
        value = parse_choice(row.get(column, ""), choices, default, plan.language)
        if value is None:
            plan.error(
                number,
                column,
                _("Must be one of: %(choices)s.") % {"choices": choice_labels(choices)},
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
            _("No one who can own a customer account has the email '%(value)s'.")
            % {"value": owner_email},
        )
    lost_on = parse_date(row.get("lost_on", "")) if row.get("lost_on") else None
    if row.get("lost_on") and lost_on is None:
        plan.error(number, "lost_on", _("The date must be written as YYYY-MM-DD."))
    lost_reason = row.get("lost_reason", "")
    for column in ("lost_reason", "notes"):
        if too_long := length_refusal(Customer, column, row.get(column, "")):
            plan.error(number, column, too_long)
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
