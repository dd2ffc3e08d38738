"""Check a file: read it, then check its rows as contacts or as customers."""

from collections.abc import Callable

from customers.models import ImportJob
from customers.register.imports.contacts import check_contacts
from customers.register.imports.customers import check_customers
from customers.register.imports.plan import Plan
from customers.register.imports.reading import read_csv

CHECKERS: dict[str, Callable[[list[dict[str, str]]], Plan]] = {
    ImportJob.Kind.CONTACTS: check_contacts,
    ImportJob.Kind.CUSTOMERS: check_customers,
}


def check(kind: str, data: bytes, encoding: str = ImportJob.Encoding.UTF_8) -> Plan:
    """Return what importing the file would do; raise ImportFileError if it is unreadable."""
    return CHECKERS[kind](read_csv(data, kind, encoding))
