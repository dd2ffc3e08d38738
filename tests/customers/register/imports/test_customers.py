"""Checking a file of customers: matched on name and country, along the workflow,
with their links in history."""

from datetime import date

import pytest
from django.urls import reverse

from core.roles import Role
from customers.models import Customer, ImportJob
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


# Conflicts the database would refuse: the check finds them first ------------------


def test_a_segment_named_twice_in_one_cell_links_it_once(signed_in):
    gold = SegmentFactory(name="Gold")

    _, job = upload(
        signed_in, "name,country,segments\nAcme,GB,Gold; gold\n", kind="customers", name="c.csv"
    )
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert list(Customer.objects.get(name="Acme").segments.all()) == [gold]


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        ("lost_reason", "Moved to a rival", ("Moved to a rival", date(2026, 2, 1))),
        ("lost_on", "2026-02-03", ("Price", date(2026, 2, 3))),
    ],
)
def test_a_lost_customers_reason_or_date_alone_updates_it(signed_in, header, cells, expected):
    acme = CustomerFactory(
        name="Acme", country="GB", status="lost", lost_on=date(2026, 2, 1), lost_reason="Price"
    )

    _, job = upload(
        signed_in, f"name,country,{header}\nAcme,GB,{cells}\n", kind="customers", name="c.csv"
    )
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    acme.refresh_from_db()
    assert (acme.status, acme.lost_reason, acme.lost_on) == ("lost", *expected)


def test_an_empty_reason_for_a_lost_customer_is_an_error(signed_in):
    CustomerFactory(
        name="Acme", country="GB", status="lost", lost_on=date(2026, 2, 1), lost_reason="Price"
    )

    _, job = upload(
        signed_in, "name,country,lost_reason\nAcme,GB,\n", kind="customers", name="c.csv"
    )

    assert [(e["row"], e["column"]) for e in job.preview["errors"]] == [(2, "status")]


@pytest.mark.parametrize(
    ("first", "second"),
    [("İstanbul Lojistik", "istanbul lojistik"), ("ΟΔΟΣ Ltd", "οδοσ ltd")],
    ids=["dotted-capital-i", "final-sigma"],
)
def test_two_names_a_database_may_hold_as_one_are_the_same_customer(signed_in, first, second):
    csv_text = f"name,country\n{first},TR\n{second},TR\n"

    _, job = upload(signed_in, csv_text, kind="customers", name="c.csv")

    assert job.preview["errors"] == [
        {"row": 3, "column": "name", "message": "The same customer is on row 2 already."}
    ]


@pytest.mark.parametrize(
    ("stored", "row"),
    [("İstanbul Lojistik", "istanbul lojistik"), ("ΟΔΟΣ Ltd", "οδοσ ltd")],
    ids=["dotted-capital-i", "final-sigma"],
)
def test_a_name_a_database_may_hold_as_the_same_updates_that_customer(signed_in, stored, row):
    existing = CustomerFactory(name=stored, country="TR", tier="standard")

    _, job = upload(signed_in, f"name,country,tier\n{row},TR,key\n", kind="customers", name="c.csv")
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    existing.refresh_from_db()
    assert (Customer.objects.count(), existing.tier) == (1, "key")


def test_a_customer_cell_the_database_cannot_store_is_an_error(signed_in):
    _, job = upload(
        signed_in, "name,country,notes\nAcme,GB,Met\x00 twice\n", kind="customers", name="c.csv"
    )

    assert [(e["row"], e["column"]) for e in job.preview["errors"]] == [(2, "notes")]
    assert not Customer.objects.exists()
