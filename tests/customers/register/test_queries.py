"""Query pins of the customer register's pages: the same count for 3 rows as for 30."""

import pytest

from core.roles import Role
from core.services import record_void
from customers.models import Contact, Customer, ImportJob
from customers.register import services
from customers.register.imports import checks, writer
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    CustomerFactory,
    NeedFactory,
    ProductServiceFactory,
    RequirementFactory,
    SegmentFactory,
    UserFactory,
)
from tests.queries import Pin, assert_pinned

pytestmark = pytest.mark.django_db


def customers(count, user):
    """Customers in two segments, with two contacts each (a search joins them)."""
    product = ProductServiceFactory()
    for n in range(count):
        customer = CustomerFactory(account_owner=UserFactory(role=Role.STAFF))
        customer.segments.add(SegmentFactory(), SegmentFactory())
        customer.products.add(product)
        ContactFactory.create_batch(2, customer=customer)
        if n % 3 == 0:
            record_void(record=customer, by=user, reason="Entered twice")


def segments(count, user):
    for _ in range(count):
        SegmentFactory().customers.add(*CustomerFactory.create_batch(2))


def products(count, user):
    for _ in range(count):
        ProductServiceFactory().customers.add(*CustomerFactory.create_batch(2))


def imports(count, user):
    for n in range(count):
        ImportJob.objects.create(
            kind=ImportJob.Kind.CONTACTS,
            file=f"imports/contacts-{n}.csv",
            original_name=f"contacts-{n}.csv",
            created_by=UserFactory(role=Role.QUALITY_MANAGER),
        )


IMPORTED_CONTACTS, IMPORTED_CUSTOMERS = 4242, 4243


def _import(job_id, kind, csv_text, user):
    """Import a file through the checks and the writer as the job ``job_id``."""
    job = ImportJob.objects.filter(pk=job_id).first() or ImportJob.objects.create(
        pk=job_id,
        kind=kind,
        state=ImportJob.State.DONE,
        file=f"imports/{kind}.csv",
        original_name=f"{kind}.csv",
        created_by=user,
        history_reason=f"CSV import #{job_id} ({kind}.csv)",
    )
    applied = writer.apply(
        checks.check(kind, csv_text.encode()), by=user, reason=job.history_reason
    )
    job.history_from = job.history_from or applied.history_from
    job.history_to = applied.history_to
    job.save()


def imported_contacts(count, user):
    """Contacts one import wrote, beside customers and contacts it did not."""
    customers(count, user)
    customer = CustomerFactory(name=f"Imported {Contact.objects.count()}")
    rows = "".join(
        f"{customer.name},Person {n},person{n}@{customer.pk}.example\n" for n in range(count)
    )
    _import(IMPORTED_CONTACTS, ImportJob.Kind.CONTACTS, "customer,name,email\n" + rows, user)


def imported_customers(count, user):
    """Customers one import wrote (in a segment, with an owner), beside others."""
    customers(count, user)
    segment = SegmentFactory()
    offset = Customer.objects.count()
    rows = "".join(f"Imported {offset + n},GB,{segment.name},{user.email}\n" for n in range(count))
    _import(
        IMPORTED_CUSTOMERS,
        ImportJob.Kind.CUSTOMERS,
        "name,country,segments,account_owner\n" + rows,
        user,
    )


def customer_related(count, customer):
    """Contacts, needs, requirements, commitments, segments, products and history."""
    owner = customer.account_owner
    for _ in range(count):
        ContactFactory(customer=customer)
        NeedFactory(customer=customer)
        requirement = RequirementFactory(customer=customer)
        CommitmentFactory(customer=customer, requirements=[requirement], by=owner)
        customer.segments.add(SegmentFactory())
        customer.products.add(ProductServiceFactory())
        customer.notes = f"{customer.notes} More."
        services.customer_save(customer=customer, by=owner, status=customer.status)


def customer_owner_changes(count, customer):
    """History rows that each change the account owner (a foreign key)."""
    for _ in range(count):
        customer.account_owner = UserFactory(role=Role.QUALITY_MANAGER)
        services.customer_save(customer=customer, by=customer.account_owner, status="active")


def customer_of(user):
    return CustomerFactory(account_owner=user)


PINS = [
    Pin("customers:customer_list", customers, 9),
    Pin("customers:customer_list", customers, 9, {"q": "contact"}),
    Pin("customers:customer_list", customers, 9, {"ordering": "-contacts"}),
    Pin("customers:customer_list", customers, 9, {"q": "contact", "ordering": "contacts"}),
    Pin("customers:customer_list", customers, 9, {"status": "active", "voided": "on"}),
    Pin("customers:contact_list", customers, 6),
    Pin("customers:contact_list", customers, 6, {"q": "example.org", "ordering": "customer"}),
    Pin("customers:contact_list", customers, 6, {"consent": "true", "language": "en"}),
    # One more: the import the list is filtered by.
    Pin("customers:contact_list", imported_contacts, 7, {"import": str(IMPORTED_CONTACTS)}),
    Pin("customers:customer_list", imported_customers, 10, {"import": str(IMPORTED_CUSTOMERS)}),
    Pin("customers:segment_list", segments, 6),
    Pin("customers:product_list", products, 6),
    Pin("customers:import_start", imports, 5),
    Pin("customers:customer_detail", customer_related, 17, record=customer_of),
    # One query names every account owner the history shows, not one per row.
    Pin("customers:customer_detail", customer_owner_changes, 16, record=customer_of),
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, quality_manager, django_assert_num_queries, pin
):
    assert_pinned(client, quality_manager, django_assert_num_queries, pin)
