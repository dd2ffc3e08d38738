"""An exported file imports back unchanged: the apostrophe the export puts before a
cell a spreadsheet would run as a formula comes off again, and only that one."""

import pytest
from django.urls import reverse

from customers.models import Contact, Customer, ImportJob
from tests.customers.register.conftest import upload
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

# Text starting with each character a spreadsheet runs, and apostrophes of people's own.
FORMULA_LIKE = ["=Acme", "+Plus", "-Dash", "@At", "'Tis", "'=Quoted", "'-5"]


def exported(client, name):
    response = client.get(reverse(f"customers:export_{name}"))
    return b"".join(response.streaming_content).decode("utf-8-sig")


def import_back(client, text, kind):
    _, job = upload(client, text, kind=kind, name=f"{kind}.csv")
    client.post(reverse("customers:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    return job


def test_exported_customers_with_formula_like_text_import_back_unchanged(signed_in):
    for n, text in enumerate(FORMULA_LIKE):
        CustomerFactory(name=f"{text} {n}", notes=text, lost_reason="", country="GB")
    before = list(Customer.objects.order_by("pk").values())
    text = exported(signed_in, "customers")
    assert "'=Acme 0" in text
    assert "''=Quoted" in text

    job = import_back(signed_in, text, "customers")

    assert job.preview["errors"] == []
    assert job.preview["counts"]["unchanged"] == len(FORMULA_LIKE)
    assert (job.state, job.result) == (ImportJob.State.DONE, {"created": 0, "updated": 0})
    assert list(Customer.objects.order_by("pk").values()) == before


def test_exported_contacts_with_formula_like_text_import_back_unchanged(signed_in):
    customer = CustomerFactory(name="=Evil Corp", country="GB")
    for n, text in enumerate(FORMULA_LIKE):
        ContactFactory(
            customer=customer,
            name=f"{text} {n}",
            role=text,
            email=f"p{n}@evil.example",
            phone="+44 20 7946 0958",
        )
    before = list(Contact.objects.order_by("pk").values())
    text = exported(signed_in, "contacts")
    assert "'=Evil Corp" in text

    job = import_back(signed_in, text, "contacts")

    assert job.preview["errors"] == []
    assert job.preview["counts"]["unchanged"] == len(FORMULA_LIKE)
    assert job.state == ImportJob.State.DONE
    assert list(Contact.objects.order_by("pk").values()) == before


def test_an_apostrophe_the_export_would_not_have_added_stays(signed_in):
    CustomerFactory(name="Acme")

    job = import_back(
        signed_in, "customer,name,email,role\nAcme,'Tis Ann,ann@acme.example,'-5\n", "contacts"
    )

    assert job.state == ImportJob.State.DONE
    assert Contact.objects.values_list("name", "role").get() == ("'Tis Ann", "'-5")
