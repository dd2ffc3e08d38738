"""Query pins of the customer register's pages: the same count for 3 rows as for 30."""

import pytest
from django.utils import timezone

from core.roles import Role
from core.services import record_void
from customers.models import ImportJob, SuppressedEmail, email_hash
from customers.register import services
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


def lifts(count, user):
    """Suppressions lifted by different quality managers."""
    for n in range(count):
        SuppressedEmail.objects.create(
            email_hash=email_hash(f"person{n}-{user.pk}@example.org"),
            reason=SuppressedEmail.Reason.ERASED,
            lifted_at=timezone.now(),
            lifted_by=UserFactory(role=Role.QUALITY_MANAGER),
            lift_reason="Asked again by email.",
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
    Pin("customers:segment_list", segments, 6),
    Pin("customers:product_list", products, 6),
    Pin("customers:import_start", imports, 5),
    Pin("customers:suppression_lift", lifts, 5),
    Pin("customers:customer_detail", customer_related, 17, record=customer_of),
    # One query names every account owner the history shows, not one per row.
    Pin("customers:customer_detail", customer_owner_changes, 16, record=customer_of),
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, quality_manager, django_assert_num_queries, pin
):
    assert_pinned(client, quality_manager, django_assert_num_queries, pin)
