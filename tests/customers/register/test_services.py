from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.roles import Role
from customers.models import Contact, Customer
from customers.register.selectors import account_owners
from customers.register.services import contact_save, customer_save
from tests.factories import ContactFactory, CustomerFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_customer_moves_only_along_its_workflow(quality_manager):
    customer = CustomerFactory(status=Customer.Status.PROSPECT)

    customer_save(customer=customer, by=quality_manager, status=Customer.Status.ACTIVE)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE

    with pytest.raises(ValidationError, match="is active cannot be made prospect"):
        customer_save(customer=customer, by=quality_manager, status=Customer.Status.PROSPECT)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_a_lost_customer_needs_the_date_and_the_reason(quality_manager):
    customer = CustomerFactory()

    with pytest.raises(ValidationError):
        customer_save(customer=customer, by=quality_manager, status=Customer.Status.LOST)
    customer = Customer.objects.get(pk=customer.pk)
    customer.lost_on, customer.lost_reason = date(2026, 11, 2), "Chose a cheaper supplier"
    customer_save(customer=customer, by=quality_manager, status=Customer.Status.LOST)

    customer.refresh_from_db()
    assert customer.status == Customer.Status.LOST
    with transaction.atomic(), pytest.raises(IntegrityError):
        Customer.objects.filter(pk=customer.pk).update(lost_reason="")


def test_saving_a_customer_records_its_segments_and_the_user_in_history(quality_manager):
    segment = SegmentFactory(name="Healthcare")

    customer = customer_save(
        customer=Customer(name="Lakeside Clinic", country="US"),
        by=quality_manager,
        status=Customer.Status.PROSPECT,
        segments=[segment],
    )

    assert list(customer.segments.all()) == [segment]
    rows = list(customer.history.all())
    assert {row.history_user for row in rows} == {quality_manager}
    assert [s.segment_id for s in rows[0].segments.all()] == [segment.pk]


def test_one_email_is_one_contact_per_customer_whatever_its_case(quality_manager):
    contact = ContactFactory(email="Ann@Example.org")
    assert contact.email == "ann@example.org"

    with transaction.atomic(), pytest.raises(IntegrityError):
        ContactFactory(customer=contact.customer, email="ANN@example.org")
    other = ContactFactory(email="ann@example.org")
    assert other.customer != contact.customer


def test_consent_needs_its_date_and_source():
    with transaction.atomic(), pytest.raises(IntegrityError):
        ContactFactory(consent=True, consent_on=None)


def test_opting_out_and_bouncing_are_stamped_and_cleared(quality_manager):
    contact = ContactFactory()

    contact.opted_out = True
    contact_save(contact=contact, by=quality_manager)
    assert contact.opted_out_at is not None
    assert not contact.can_be_surveyed

    contact.opted_out = False
    contact_save(contact=contact, by=quality_manager)
    assert contact.opted_out_at is None
    assert Contact.objects.get(pk=contact.pk).can_be_surveyed


# Account owners: only people who can own an account --------------------------------


@pytest.fixture
def people():
    return {
        "staff": UserFactory(role=Role.STAFF, full_name="Priya Staff"),
        "manager": UserFactory(role=Role.QUALITY_MANAGER, full_name="Daniel Manager"),
        "director": UserFactory(role=Role.TOP_MANAGEMENT, full_name="Meera Director"),
        "auditor": UserFactory(role=Role.AUDITOR, full_name="Hannah Auditor"),
        "left": UserFactory(role=Role.STAFF, full_name="Lee Left", is_active=False),
        "nobody": UserFactory(full_name="Nadia Norole"),
    }


def test_account_owners_are_active_people_whose_role_owns_accounts(people):
    owners = {u.full_name for u in account_owners()}

    assert owners == {"Priya Staff", "Daniel Manager", "Meera Director"}


@pytest.mark.parametrize("who", ["auditor", "left", "nobody"])
def test_a_customer_cannot_be_given_an_owner_who_cannot_own_it(quality_manager, people, who):
    customer = CustomerFactory(account_owner=people["staff"])
    customer.account_owner = people[who]

    with pytest.raises(ValidationError, match="cannot own a customer account"):
        customer_save(customer=customer, by=quality_manager, status=customer.status)

    assert Customer.objects.get(pk=customer.pk).account_owner == people["staff"]
    with pytest.raises(ValidationError, match="cannot own a customer account"):
        customer_save(
            customer=Customer(name="New Ltd", account_owner=people[who]),
            by=quality_manager,
            status="prospect",
        )


def test_a_customer_whose_owner_left_can_still_be_edited(quality_manager, people):
    customer = CustomerFactory(account_owner=people["left"], notes="")
    customer.notes = "Renewal due in March."

    customer_save(customer=customer, by=quality_manager, status=customer.status)

    assert Customer.objects.get(pk=customer.pk).notes == "Renewal due in March."
