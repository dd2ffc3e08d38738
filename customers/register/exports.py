"""CSV exports of the register, in the import's own columns.

Every cell goes through ``core.exports`` (formula escaping, the BOM), as every
register's exports do.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from core.exports import yes_no
from customers.models import Contact, Customer
from customers.register.imports.reading import CONTACT_COLUMNS, CUSTOMER_COLUMNS

# The import's own columns, so that an exported file imports back as it is.
CUSTOMER_HEADER = CUSTOMER_COLUMNS["required"] + CUSTOMER_COLUMNS["optional"]
CONTACT_HEADER = CONTACT_COLUMNS["required"] + CONTACT_COLUMNS["optional"]


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
