"""Checking a file of customers against the register: match, create, update."""

from typing import Any

from django.utils.translation import gettext as _

from customers.models import Customer, ImportJob, Segment
from customers.register.imports.plan import Plan, columns_present, name_key, shown
from customers.register.imports.reading import (
    CHOICE_COLUMNS,
    choice_labels,
    field_refusal,
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
CHOICES = CHOICE_COLUMNS[ImportJob.Kind.CUSTOMERS]
# The text columns and the fields they fill: each cell passes its field's validators.
TEXT_FIELDS = {"name": "name", "lost_reason": "lost_reason", "notes": "notes"}
# The column a field is read from, where the two differ.
COLUMN_OF = {"account_owner_id": "account_owner"}
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
    # Keyed as the unique constraint on name and country compares them.
    existing = {
        (name_key(customer.name), str(customer.country)): customer
        for customer in Customer.objects.active().prefetch_related("segments")
    }
    segment_names = dict(Segment.objects.active().values_list("pk", "name"))
    segments = {name.lower(): pk for pk, name in segment_names.items()}
    owners = dict(account_owners().values_list("email", "pk"))
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        if plan.refuse_cells(number, row):
            continue
        errors_before = len(plan.errors)
        name = row["name"]
        country = _check_name_and_text(plan, number, row)
        key = (name_key(name), country or "")
        customer = existing.get(key)
        values = _customer_values(plan, number, row, owners, customer)
        segment_ids = _segment_ids(plan, number, row, segments)
        if len(plan.errors) > errors_before:
            continue
        if key in seen:
            plan.error(
                number,
                "name",
                _("The same customer is on row %(row)d already.") % {"row": seen[key]},
            )
            continue
        seen[key] = number
        if customer is None:
            customer = Customer(name=name, country=country or "", **values)
            plan.creates.append(customer)
            action = "create"
        else:
            planned = _plan_customer_update(
                plan,
                number,
                customer,
                values=columns_present(values, row, CUSTOMER_COLUMN_FIELDS),
                segment_ids=segment_ids if "segments" in row else None,
                names=Names(owners, segment_names),
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


def _check_name_and_text(plan: Plan, number: int, row: dict[str, str]) -> str | None:
    """Check the name, country and text cells, as the customer form does; return the
    country's code ("" for none, None if it is not a country)."""
    if not row["name"]:
        plan.error(number, "name", _("The name is missing."))
    for column, field in TEXT_FIELDS.items():
        if refusal := field_refusal(Customer, field, row.get(column, "")):
            plan.error(number, column, refusal)
    country = parse_country(row.get("country", ""))
    if country is None:
        plan.error(
            number,
            "country",
            _("'%(value)s' is not a country name or code.") % {"value": row["country"]},
        )
    return country


def _segment_ids(
    plan: Plan, number: int, row: dict[str, str], segments: dict[str, int]
) -> list[int]:
    ids: list[int] = []
    for segment_name in filter(None, (s.strip() for s in row.get("segments", "").split(";"))):
        if segment_name.lower() in segments:
            # A segment named twice ("Gold; gold") is linked once.
            if segments[segment_name.lower()] not in ids:
                ids.append(segments[segment_name.lower()])
        else:
            plan.error(
                number, "segments", _("No segment is named '%(name)s'.") % {"name": segment_name}
            )
    return ids


class Names:
    """Names the preview shows for the ids an update changes: owners' emails, segments."""

    def __init__(self, owners: dict[str, int], segments: dict[int, str]) -> None:
        self._owners = owners
        self._emails: dict[int, str] | None = None
        self.segments = segments

    def owner(self, user_id: int | None) -> str:
        if self._emails is None:
            # Built only when an update changes an owner, once.
            self._emails = {pk: email for email, pk in self._owners.items()}
        return self._emails.get(user_id, "") if user_id else ""


def _plan_customer_update(
    plan: Plan,
    number: int,
    customer: Customer,
    *,
    values: dict[str, Any],
    segment_ids: list[int] | None,
    names: Names,
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
    segments_change = segment_ids is not None and current_segments != set(segment_ids)
    if not changed and not segments_change:
        plan.unchanged += 1
        return "unchanged"
    if plan.wants_changes():
        fields = [
            (
                COLUMN_OF.get(n, n),
                _shown(n, getattr(customer, n), names),
                _shown(n, values[n], names),
            )
            for n in changed
        ]
        if segments_change:
            fields.append(
                (
                    "segments",
                    _segment_names(current_segments, names),
                    _segment_names(segment_ids or [], names),
                )
            )
        plan.change(number, {"name": customer.name, "email": "", "customer": customer.name}, fields)
    for n, v in values.items():
        setattr(customer, n, v)
    plan.updates.append(customer)
    return "update"


def _shown(name: str, value: Any, names: Names) -> str:
    if name == "account_owner_id":
        return names.owner(value)
    return shown(value, CHOICES.get(name))


def _segment_names(ids: Any, names: Names) -> str:
    return "; ".join(sorted((names.segments.get(pk, "") for pk in ids), key=str.lower))


def _customer_values(
    plan: Plan,
    number: int,
    row: dict[str, str],
    owners: dict[str, int],
    stored: Customer | None,
) -> dict[str, Any]:
    """Return the customer's values from the row; where the status or a lost column
    is missing, from the customer as stored (a new customer: a prospect), so that a
    lost customer keeps its date and reason."""

    def choice(column: str, default: str) -> str:
        value = parse_choice(row.get(column, ""), CHOICES[column], default, plan.language)
        if value is None:
            plan.error(
                number,
                column,
                _("Must be one of: %(choices)s.") % {"choices": choice_labels(CHOICES[column])},
            )
            return default
        return value

    if "status" in row or stored is None:
        status = choice("status", Customer.Status.PROSPECT)
    else:
        status = stored.status
    owner_email = row.get("account_owner", "").lower()
    owner_id = owners.get(owner_email) if owner_email else None
    if owner_email and owner_id is None:
        plan.error(
            number,
            "account_owner",
            _("No one who can own a customer account has the email '%(value)s'.")
            % {"value": owner_email},
        )
    if "lost_on" in row:
        lost_on = parse_date(row["lost_on"]) if row["lost_on"] else None
        if row["lost_on"] and lost_on is None:
            plan.error(number, "lost_on", _("The date must be written as YYYY-MM-DD."))
    else:
        lost_on = stored.lost_on if stored else None
    lost_reason = row.get("lost_reason", stored.lost_reason if stored else "")
    if status == Customer.Status.LOST and (lost_on is None or not lost_reason):
        plan.error(number, "status", _("A lost customer needs lost_on and lost_reason."))
    return {
        "kind": choice("kind", Customer.Kind.ORGANISATION),
        "status": status,
        "account_owner_id": owner_id,
        "tier": choice("tier", Customer.Tier.STANDARD),
        "revenue_band": choice("revenue_band", ""),
        "lost_on": lost_on if status == Customer.Status.LOST else None,
        "lost_reason": lost_reason if status == Customer.Status.LOST else "",
        "notes": row.get("notes", ""),
    }
