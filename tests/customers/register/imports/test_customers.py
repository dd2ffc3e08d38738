"""Checking a file of customers: matched on name and country, along the workflow,
with their links in history."""

import pytest
from django.urls import reverse

from core.roles import Role
from customers.models import Customer
from tests.customers.register.conftest import upload
from tests.factories import (
    CustomerFactory,
    ProductServiceFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_customers_import_matches_on_name_and_country_and_links_segments(signed_in):
    SegmentFactory(name="Healthcare")
    SegmentFactory(name="Public sector")
    existing = CustomerFactory(name="Klinikum Rhein-Main", country="DE", status="active")
    owner = UserFactory(email="owner@example.com", role=Role.STAFF)
    csv_text = (
        "name,country,status,segments,account_owner,tier\n"
        "Klinikum Rhein-Main,Germany,at risk,Healthcare; Public sector,owner@example.com,key\n"
        "Lakeside Clinic,US,prospect,Healthcare,,standard\n"
    )

    _, job = upload(signed_in, csv_text, kind="customers", name="customers.csv")
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    assert job.preview["counts"]["create"] == 1
    assert job.preview["counts"]["update"] == 1
    existing.refresh_from_db()
    assert (existing.status, existing.account_owner, existing.tier) == ("at_risk", owner, "key")
    assert sorted(existing.segments.values_list("name", flat=True)) == [
        "Healthcare",
        "Public sector",
    ]
    lakeside = Customer.objects.get(name="Lakeside Clinic")
    assert lakeside.history.get().history_user == job.created_by


def test_a_customer_import_cannot_skip_the_workflow(signed_in):
    CustomerFactory(name="Acme", country="GB", status="active")

    _, job = upload(
        signed_in, "name,country,status\nAcme,GB,prospect\n", kind="customers", name="c.csv"
    )

    assert job.preview["errors"][0]["message"] == (
        "The customer is active and cannot be made prospect."
    )


def test_a_customer_import_records_the_links_in_the_history_it_writes(signed_in):
    healthcare = SegmentFactory(name="Healthcare")
    product = ProductServiceFactory(name="Calibration")
    existing = CustomerFactory(name="Klinikum Rhein-Main", country="DE")
    existing.products.add(product)
    csv_text = "name,country,segments\nKlinikum Rhein-Main,DE,Healthcare\nLakeside Clinic,US,\n"

    _, job = upload(signed_in, csv_text, kind="customers", name="customers.csv")
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    imported = existing.history.latest()
    assert imported.history_change_reason == f"CSV import #{job.pk} (customers.csv)"
    assert [link.segment_id for link in imported.segments.all()] == [healthcare.pk]
    assert [link.productservice_id for link in imported.products.all()] == [product.pk]
    created = Customer.objects.get(name="Lakeside Clinic").history.get()
    assert list(created.segments.all()) == []


@pytest.mark.parametrize(
    "owner", [{"role": Role.AUDITOR}, {"role": Role.STAFF, "is_active": False}, {}]
)
def test_a_customer_import_names_only_owners_who_can_own_an_account(signed_in, owner):
    UserFactory(email="someone@example.com", **owner)

    _, job = upload(
        signed_in,
        "name,country,account_owner\nAcme,GB,someone@example.com\n",
        kind="customers",
        name="c.csv",
    )

    assert job.preview["errors"][0]["message"] == (
        "No one who can own a customer account has the email 'someone@example.com'."
    )


def test_a_customer_import_takes_a_staff_member_as_owner(signed_in):
    staff = UserFactory(email="staff.owner@example.com", role=Role.STAFF)

    _, job = upload(
        signed_in,
        "name,country,account_owner\nAcme,GB,Staff.Owner@example.com\n",
        kind="customers",
        name="c.csv",
    )
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    assert Customer.objects.get(name="Acme").account_owner == staff


def test_free_text_over_10000_characters_is_an_error_saying_the_limit(signed_in):
    notes = "word " * 2000 + "words"  # 10,005 characters

    _, job = upload(
        signed_in, f"name,country,notes\nAcme,GB,{notes}\n", kind="customers", name="c.csv"
    )

    assert job.preview["errors"] == [
        {
            "row": 2,
            "column": "notes",
            "message": "At most 10,000 characters are allowed; this has 10,005.",
        }
    ]


def test_a_customer_update_shows_each_change_with_owners_and_segments_by_name(signed_in):
    healthcare = SegmentFactory(name="Healthcare")
    SegmentFactory(name="Public sector")
    before = UserFactory(email="before@example.com", role=Role.STAFF)
    UserFactory(email="after@example.com", role=Role.STAFF)
    existing = CustomerFactory(
        name="Klinikum Rhein-Main", country="DE", status="active", account_owner=before
    )
    existing.segments.add(healthcare)
    csv_text = (
        "name,country,status,segments,account_owner,tier\n"
        "Klinikum Rhein-Main,DE,at risk,Healthcare; Public sector,after@example.com,"
        f"{existing.tier}\n"
    )

    _, job = upload(signed_in, csv_text, kind="customers", name="customers.csv")

    (change,) = job.preview["changes"]
    assert change["name"] == "Klinikum Rhein-Main"
    assert change["fields"] == [
        {"column": "status", "old": "Active", "new": "At risk"},
        {"column": "account_owner", "old": "before@example.com", "new": "after@example.com"},
        {"column": "segments", "old": "Healthcare", "new": "Healthcare; Public sector"},
    ]
    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert "after@example.com" in page.split('id="import-changes"')[1]
