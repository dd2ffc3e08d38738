"""What the import page tells people: a template file per kind that imports as it is,
and every choice column's allowed values, read from the models' choices."""

import csv
import io

import pytest
from django.urls import reverse

from customers.models import Contact, Customer, ImportJob
from customers.register.exports import CONTACT_HEADER, CUSTOMER_HEADER
from customers.register.imports.reading import CHOICE_COLUMNS
from tests.customers.register.conftest import upload
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def download(client, kind):
    response = client.get(reverse("customers:import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{kind}-import-template.csv"'
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("kind", "header", "model"),
    [("contacts", CONTACT_HEADER, Contact), ("customers", CUSTOMER_HEADER, Customer)],
)
def test_each_kind_has_a_template_whose_example_row_imports_cleanly(signed_in, kind, header, model):
    CustomerFactory(name="Bharat Textiles", country="IN")
    SegmentFactory(name="Healthcare")
    count = model.objects.count()

    data = download(signed_in, kind)

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == header
    assert len(rows) == 2
    _, job = upload(signed_in, data, kind=kind, name=f"{kind}.csv")
    assert job.state == ImportJob.State.CHECKED
    assert job.preview["errors"] == []
    assert job.preview["counts"]["create"] == 1
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))
    assert model.objects.count() == count + 1


def test_the_contacts_template_names_a_customer_of_the_register(signed_in):
    CustomerFactory(name="Zenith Works", country="DE")
    CustomerFactory(name="Bharat Textiles", country="IN")

    rows = list(csv.DictReader(io.StringIO(download(signed_in, "contacts").decode("utf-8-sig"))))

    assert (rows[0]["customer"], rows[0]["customer_country"]) == ("Bharat Textiles", "IN")


def test_an_unknown_kind_has_no_template(signed_in):
    response = signed_in.get(reverse("customers:import_template", args=["suppliers"]))

    assert response.status_code == 404


def test_the_import_page_lists_every_choice_columns_values_and_labels(signed_in):
    page = signed_in.get(reverse("customers:import_start")).content.decode()

    listed = 0
    for kind, columns in CHOICE_COLUMNS.items():
        table = page.split(f'id="columns-{kind}"')[1].split("</table>")[0]
        for column, choices in columns.items():
            row = table.split(f"<code>{column}</code>")[1].split("</tr>")[0]
            for value, label in choices.choices:
                assert f"<code>{value}</code> ({label})" in row, (kind, column, value)
                listed += 1
    assert listed >= 20
    contacts = page.split('id="columns-contacts"')[1].split("</table>")[0]
    consent = contacts.split("<code>consent</code>")[1].split("</tr>")[0]
    assert "<code>yes</code>" in consent
    assert "<code>no</code>" in consent


def test_every_value_the_page_lists_is_one_the_check_accepts(signed_in):
    CustomerFactory(name="Acme")
    sources = Contact.ConsentSource.values
    rows = "".join(
        f"Acme,P{n},p{n}@acme.example,{language},yes,2026-01-0{n % 9 + 1},{source}\n"
        for n, (language, source) in enumerate(
            (language, source) for language in Contact.Language.values for source in sources
        )
    )

    _, job = upload(
        signed_in, "customer,name,email,language,consent,consent_on,consent_source\n" + rows
    )

    assert job.preview["errors"] == []
