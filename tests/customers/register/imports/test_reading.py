"""Reading the uploaded file: size, encoding, header row; a file that cannot be read
imports nothing and says why."""

import pytest
from django.urls import reverse

from customers.models import Contact, ImportJob
from customers.register.imports.reading import ImportFileError, read_csv
from tests.customers.register.conftest import CONTACT_HEADER, upload
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name,email\nA,a@b.example\n", "missing: customer"),
        ("customer,name,email,colour\nA,B,c@d.example,red\n", "not known: colour"),
        ("customer,name,email\n", "no data"),
        ("customer,name,email\nAcme,Zoë,z@acme.example\n".encode("utf-16"), "choose UTF-16"),
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


# Encodings ------------------------------------------------------------------------

ZOE = "customer,name,email\nAcme,Ann,ann@acme.example\nAcme,Zoë,zoe@acme.example\n"


def test_an_unreadable_byte_is_named_by_its_line_with_the_encodings_accepted(signed_in):
    CustomerFactory(name="Acme")

    _, job = upload(signed_in, ZOE, encoding="cp1252")

    assert job.state == ImportJob.State.FAILED
    assert job.error.startswith("Line 3 cannot be read as UTF-8 (byte ")
    assert "UTF-8 files, with or without a BOM" in job.error
    assert "Windows-1252" in job.error
    assert "UTF-16" in job.error
    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert "Line 3 cannot be read as UTF-8" in page


def test_the_upload_form_offers_the_encodings_spreadsheets_save(signed_in):
    response = signed_in.get(reverse("customers:import_start"))

    form = response.context["form"]
    assert [value for value, _ in form.fields["encoding"].choices] == [
        "utf-8",
        "cp1252",
        "utf-16",
    ]
    assert form["encoding"].value() == "utf-8"
    assert "Windows-1252" in response.content.decode()


@pytest.mark.parametrize(
    ("written", "chosen"),
    [
        ("utf-8", None),
        ("utf-8-sig", "utf-8"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252", "utf-16", "utf-16-without-bom"],
)
def test_a_file_in_the_chosen_encoding_imports_its_letters_intact(signed_in, written, chosen):
    CustomerFactory(name="Acme")

    _, job = upload(signed_in, ZOE, encoding=written, choose=chosen)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert (job.state, job.encoding) == (ImportJob.State.DONE, chosen or "utf-8")
    assert Contact.objects.get(email="zoe@acme.example").name == "Zoë"


def test_a_tab_separated_unicode_text_file_from_excel_imports(signed_in):
    CustomerFactory(name="Acme")
    text = ZOE.replace(",", "\t").replace("\n", "\r\n")

    _, job = upload(signed_in, text, name="contacts.txt", encoding="utf-16", choose="utf-16")

    assert job.preview["counts"]["create"] == 2


@pytest.mark.parametrize(
    ("written", "chosen", "message"),
    [
        ("utf-8", "cp1252", "The file is UTF-8 text, not Windows-1252: choose UTF-8"),
        ("utf-8-sig", "cp1252", "The file is UTF-8 text, not Windows-1252: choose UTF-8"),
        ("utf-16", "utf-8", "The file is UTF-16 text (“Unicode Text”): choose UTF-16"),
        ("utf-16", "cp1252", "The file is UTF-16 text (“Unicode Text”): choose UTF-16"),
        ("utf-8", "utf-16", "The file is not UTF-16 text: choose the encoding it was saved in"),
        ("cp1252", "utf-16", "The file is not UTF-16 text: choose the encoding it was saved in"),
    ],
    ids=[
        "utf-8-as-1252",
        "bom-as-1252",
        "utf-16-as-utf-8",
        "utf-16-as-1252",
        "utf-8-as-16",
        "1252-as-16",
    ],
)
def test_a_wrong_encoding_choice_says_which_to_choose_and_imports_nothing(
    signed_in, written, chosen, message
):
    CustomerFactory(name="Acme")

    _, job = upload(signed_in, ZOE, encoding=written, choose=chosen)

    assert job.state == ImportJob.State.FAILED
    assert job.error.startswith(message)
    assert Contact.objects.count() == 0


def test_a_byte_windows_1252_leaves_undefined_is_named_by_its_line():
    data = "customer,name,email\nAcme,A\x81n,a@acme.example\n".encode("latin-1")

    with pytest.raises(ImportFileError, match=r"^Line 2 cannot be read as Windows-1252"):
        read_csv(data, ImportJob.Kind.CONTACTS, ImportJob.Encoding.WINDOWS_1252)


def test_a_cell_over_the_csv_field_limit_is_named_by_its_line():
    data = "customer,name,email\nAcme,B,b@acme.example\nAcme," + "x" * 200_000 + ",c@d.example\n"

    with pytest.raises(ImportFileError, match=r"^Line 3 cannot be read as CSV"):
        read_csv(data.encode(), ImportJob.Kind.CONTACTS)
