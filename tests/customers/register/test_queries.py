"""Query pins of the customer register's pages: the same count for 3 rows as for 30."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.roles import Role
from core.services import record_void
from customers.models import Contact, Customer, ImportJob, SuppressedEmail, email_hash
from customers.register import services
from customers.register.imports import checks, jobs, writer
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


def contact_history(count, customer):
    """Contacts added by hand and by an import, each edited; some voided, some erased:
    every row of theirs shows on the customer's history, at a constant cost."""
    owner = customer.account_owner
    start = Contact.objects.count()
    lines = "".join(
        f"{customer.name},Imported {n},imported{n}@example.org,hi\n"
        for n in range(start, start + count)
    )
    upload = SimpleUploadedFile("contacts.csv", f"customer,name,email,language\n{lines}".encode())
    jobs.import_confirm(job=jobs.import_start(kind="contacts", upload=upload, by=owner), by=owner)
    for n in range(count):
        contact = ContactFactory(customer=customer)
        contact.role = "Buyer"
        services.contact_save(contact=contact, by=owner)
        if n % 3 == 0:
            services.contact_erase(
                contact=contact,
                by=owner,
                requested_by="the contact",
                requested_on=timezone.localdate(),
            )
        elif n % 3 == 1:
            record_void(record=contact, by=owner, reason="Left the company")


def customer_of(user):
    return CustomerFactory(account_owner=user)


HTMX = {"HX-Request": "true", "HX-Target": "list-results"}

PINS = [
    # The bulk form's choices: the segments and the people who can own an account.
    Pin("customers:customer_list", customers, 9),
    Pin("customers:customer_list", customers, 9, {"q": "contact"}),
    Pin("customers:customer_list", customers, 9, {"ordering": "-contacts"}),
    Pin("customers:customer_list", customers, 9, {"q": "contact", "ordering": "contacts"}),
    Pin("customers:customer_list", customers, 9, {"status": "active", "voided": "on"}),
    # The filters' htmx request: the table and its pages alone, without the filter form.
    Pin("customers:customer_list", customers, 7, {"q": "contact"}, headers=HTMX),
    Pin("customers:contact_list", customers, 6),
    Pin("customers:contact_list", customers, 6, {"language": "en"}, headers=HTMX),
    Pin("customers:contact_list", customers, 6, {"q": "example.org", "ordering": "customer"}),
    Pin("customers:contact_list", customers, 6, {"consent": "true", "language": "en"}),
    # One more: the import the list is filtered by.
    Pin("customers:contact_list", imported_contacts, 7, {"import": str(IMPORTED_CONTACTS)}),
    # Two more for the bulk form's choices (segments, account owners).
    Pin("customers:customer_list", imported_customers, 10, {"import": str(IMPORTED_CUSTOMERS)}),
    Pin("customers:segment_list", segments, 6),
    Pin("customers:product_list", products, 6),
    Pin("customers:import_start", imports, 5),
    Pin("customers:suppression_lift", lifts, 5),
    # The contacts, needs, requirements and commitments tabs read a page each (their
    # counts come with the customer); a tab with no rows reads nothing. The history
    # tab also reads the contacts' history rows and the erasures, and the contacts its
    # entries name. One more for the imports that wrote the history rows shown. The
    # timeline reads the feedback app's items, communications and emails, and the
    # surveys' invitations and responses, one query each.
    Pin("customers:customer_detail", customer_related, 26, record=customer_of),
    # Another page of a tab, or of the history, reads the same.
    Pin(
        "customers:customer_detail",
        customer_related,
        26,
        {"tab": "contacts", "page": "2"},
        record=customer_of,
    ),
    Pin(
        "customers:customer_detail",
        contact_history,
        21,
        {"tab": "history", "page": "2"},
        record=customer_of,
    ),
    # One query names every account owner the history shows, not one per row.
    Pin("customers:customer_detail", customer_owner_changes, 20, record=customer_of),
    # One more names the imports that wrote contacts' rows, whatever their number.
    Pin("customers:customer_detail", contact_history, 21, record=customer_of),
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, quality_manager, django_assert_num_queries, pin
):
    assert_pinned(client, quality_manager, django_assert_num_queries, pin)
