"""CSV exports of customers and contacts: escaped (the cells themselves are tested in
tests/core/test_exports.py); a file exports and imports back unchanged; only quality
managers import and export."""

import pytest
from django.urls import reverse

from tests.customers.register.conftest import upload
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_export_downloads_escaped_csv_that_imports_back(signed_in):
    customer = CustomerFactory(name="=Evil Corp")
    ContactFactory(
        customer=customer, name="Ann", email="ann@evil.example", phone="+44 20 7946 0958"
    )

    response = signed_in.get(reverse("customers:export_contacts"))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')
    assert "'=Evil Corp" in body
    assert "+44 20 7946 0958" in body
    assert body.splitlines()[0] == (
        "customer,name,email,customer_country,phone,role,language,consent,consent_on,"
        "consent_source,opted_out"
    )


def test_an_exported_file_imports_back_unchanged(signed_in):
    customer = CustomerFactory(name="Acme", country="GB")
    ContactFactory(customer=customer, name="Ann", email="ann@acme.example", phone="+44 20 1")
    exported = b"".join(signed_in.get(reverse("customers:export_contacts")).streaming_content)

    _, job = upload(signed_in, exported.decode("utf-8-sig"))

    assert job.preview["counts"] == {
        "rows": 1,
        "create": 0,
        "update": 0,
        "unchanged": 1,
        "skip": 0,
        "errors": 0,
    }


def test_only_quality_managers_import_and_export(client):
    from core.roles import Role  # noqa: PLC0415

    client.force_login(UserFactory(role=Role.STAFF))

    assert client.get(reverse("customers:import_start")).status_code == 403
    assert client.get(reverse("customers:export_contacts")).status_code == 403
