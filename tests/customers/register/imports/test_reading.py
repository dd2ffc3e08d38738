"""Reading the uploaded file: size, encoding, header row; a file that cannot be read
imports nothing and says why."""

import pytest
from django.urls import reverse

from customers.models import Contact, ImportJob
from tests.customers.register.conftest import CONTACT_HEADER, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name,email\nA,a@b.example\n", "missing: customer"),
        ("customer,name,email,colour\nA,B,c@d.example,red\n", "not known: colour"),
        ("customer,name,email\n", "no data"),
        ("customer,name,email\nAcme,Zoë,z@acme.example\n".encode("utf-16"), "not UTF-8"),
        ('customer,name,email\nAcme,"B",c@d.example,extra\n', "more cells"),
    ],
    ids=["missing-column", "unknown-column", "no-rows", "utf-16", "extra-cell"],
)
def test_a_file_that_cannot_be_read_says_why_and_imports_nothing(signed_in, data, message):
    _, job = upload(signed_in, data)

    assert job.state == ImportJob.State.FAILED
    assert message in job.error
    assert Contact.objects.count() == 0
    assert message in signed_in.get(job.get_absolute_url()).content.decode()


def test_an_empty_file_is_refused_by_the_form(signed_in):
    response, job = upload(signed_in, "")

    assert "The submitted file is empty." in response.content.decode()
    assert job is None


def test_a_latin_1_file_is_refused_with_how_to_fix_it(signed_in):
    _, job = upload(signed_in, "customer,name,email\nAcme,Zoë,z@acme.example\n", encoding="latin-1")

    assert 'Save it from your spreadsheet as "CSV UTF-8"' in job.error


def test_a_file_over_the_upload_limit_is_refused(signed_in, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100

    response, job = upload(signed_in, CONTACT_HEADER + "x" * 200)

    assert response.status_code == 200
    assert "larger than 100\xa0bytes" in response.content.decode()
    assert job is None


def test_the_upload_form_states_the_limit_the_setting_sets(signed_in, settings):
    response = signed_in.get(reverse("customers:import_start"))
    assert "10 MB at most" in response.content.decode()

    settings.IMPORT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    response = signed_in.get(reverse("customers:import_start"))
    assert "2 MB at most" in response.content.decode()
