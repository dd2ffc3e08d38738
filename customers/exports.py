"""CSV exports of the register, safe to open in a spreadsheet.

A cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or
a carriage return) gets a leading apostrophe, as OWASP's CSV-injection guidance says;
a cell that is only a number or a phone number is left as it is, since no
spreadsheet runs "+44 20 7946 0958" as anything but text or a number.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from customers.models import Contact, Customer

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HARMLESS_NUMBER = re.compile(r"^[+-]?[0-9][0-9\s().-]*$")

CUSTOMER_HEADER = [
    "name",
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
]
CONTACT_HEADER = [
    "customer",
    "customer_country",
    "name",
    "email",
    "phone",
    "role",
    "language",
    "consent",
    "consent_on",
    "consent_source",
    "opted_out",
]


def safe_cell(value: Any) -> str:
    """Return the value as a cell no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not HARMLESS_NUMBER.match(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """Yield CSV lines (with a BOM first, for spreadsheets) to stream as a download."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def customer_rows(customers: QuerySet[Customer]) -> Iterator[list[Any]]:
    queryset = customers.select_related("account_owner").prefetch_related("segments")
    for customer in queryset.iterator(chunk_size=2000):
        yield [
            customer.name,
            customer.kind,
            customer.status,
            customer.country.code if customer.country else "",
            "; ".join(segment.name for segment in customer.segments.all()),
            customer.account_owner.email if customer.account_owner else "",
            customer.tier,
            customer.revenue_band,
            customer.lost_on.isoformat() if customer.lost_on else "",
            customer.lost_reason,
            customer.notes,
        ]


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def contact_rows(contacts: QuerySet[Contact]) -> Iterator[list[Any]]:
    for contact in contacts.select_related("customer").iterator(chunk_size=2000):
        yield [
            contact.customer.name,
            contact.customer.country.code if contact.customer.country else "",
            contact.name,
            contact.email,
            contact.phone,
            contact.role,
            contact.language,
            yes_no(contact.consent),
            contact.consent_on.isoformat() if contact.consent_on else "",
            contact.consent_source,
            yes_no(contact.opted_out),
        ]
