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
from customers.register.imports.reading import CONTACT_COLUMNS, CUSTOMER_COLUMNS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HARMLESS_NUMBER = re.compile(r"^[+-]?[0-9][0-9\s().-]*$")

# The import's own columns, so that an exported file imports back as it is.
CUSTOMER_HEADER = CUSTOMER_COLUMNS["required"] + CUSTOMER_COLUMNS["optional"]
CONTACT_HEADER = CONTACT_COLUMNS["required"] + CONTACT_COLUMNS["optional"]


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
        cells = {
            "name": customer.name,
            "kind": customer.kind,
            "status": customer.status,
            "country": customer.country.code if customer.country else "",
            "segments": "; ".join(segment.name for segment in customer.segments.all()),
            "account_owner": customer.account_owner.email if customer.account_owner else "",
            "tier": customer.tier,
            "revenue_band": customer.revenue_band,
            "lost_on": customer.lost_on.isoformat() if customer.lost_on else "",
            "lost_reason": customer.lost_reason,
            "notes": customer.notes,
        }
        yield [cells[column] for column in CUSTOMER_HEADER]


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def contact_rows(contacts: QuerySet[Contact]) -> Iterator[list[Any]]:
    for contact in contacts.select_related("customer").iterator(chunk_size=2000):
        cells = {
            "customer": contact.customer.name,
            "customer_country": contact.customer.country.code if contact.customer.country else "",
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "role": contact.role,
            "language": contact.language,
            "consent": yes_no(contact.consent),
            "consent_on": contact.consent_on.isoformat() if contact.consent_on else "",
            "consent_source": contact.consent_source,
            "opted_out": yes_no(contact.opted_out),
        }
        yield [cells[column] for column in CONTACT_HEADER]
