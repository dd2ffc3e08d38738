"""CSV import through the pages: the dry run, errors by row, all or nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.urls import reverse

from customers.models import Contact, Customer, ImportJob, SuppressedEmail, email_hash
from customers.register.exports import safe_cell
from customers.register.imports import contacts as contact_checks
from customers.register.imports import jobs as import_jobs
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    ProductServiceFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CONTACT_HEADER = "customer,name,email,phone,language,consent,consent_on,opted_out\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, text, kind="contacts", name="contacts.csv", encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    response = client.post(
        reverse("customers:import_start"),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )
    return response, ImportJob.objects.order_by("-pk").first()


@pytest.fixture
def signed_in(client, quality_manager):
    client.force_login(quality_manager)
    return client


def test_a_dry_run_shows_a_preview_and_imports_nothing_until_confirmed(signed_in):
    CustomerFactory(name="Bharat Textiles")
    csv_text = CONTACT_HEADER + (
        "Bharat Textiles,Priya Nair,priya@bharat.example,+91 22 5555 0100,Hindi,yes,2026-03-01,no\n"
        "bharat textiles,Ravi Rao,ravi@bharat.example,,en,no,,no\n"
    )

    response, job = upload(signed_in, csv_text)

    assert response.status_code == 302
    assert job.state == ImportJob.State.CHECKED
    assert job.preview["counts"] == {
        "rows": 2,
        "create": 2,
        "update": 0,
        "unchanged": 0,
        "skip": 0,
        "errors": 0,
    }
    assert Contact.objects.count() == 0
    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert "What the import would do" in page
    assert "Import now" in page

    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert job.result == {"created": 2, "updated": 0}
    priya = Contact.objects.get(email="priya@bharat.example")
    assert (priya.language, priya.consent, priya.consent_source) == ("hi", True, "import")
    row = priya.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        job.created_by,
        "CSV import",
    )


def test_a_file_with_any_error_imports_nothing_and_lists_the_errors_by_row(signed_in):
    CustomerFactory(name="Bharat Textiles")
    csv_text = CONTACT_HEADER + (
        "Bharat Textiles,Priya Nair,priya@bharat.example,,en,yes,2026-03-01,no\n"
        "Bharat Textiles,No Email,not-an-email,,en,no,,no\n"
        "Nobody Inc,Sam,sam@nobody.example,,en,no,,no\n"
        "Bharat Textiles,Twice,PRIYA@bharat.example,,fr,maybe,,no\n"
    )

    _, job = upload(signed_in, csv_text)
    response = signed_in.post(reverse("customers:import_confirm", args=[job.pk]), follow=True)

    problems = {(e["row"], e["column"]) for e in job.preview["errors"]}
    assert {(3, "email"), (4, "customer"), (5, "language"), (5, "consent")} <= problems
    assert Contact.objects.count() == 0
    assert "nothing will be imported" in signed_in.get(job.get_absolute_url()).content.decode()
    assert "The file has errors" in response.content.decode()


def test_a_contact_duplicated_within_the_file_is_an_error(signed_in):
    CustomerFactory(name="Bharat Textiles")
    csv_text = CONTACT_HEADER + (
        "Bharat Textiles,Priya,priya@bharat.example,,en,no,,no\n"
        "Bharat Textiles,Priya again,Priya@Bharat.example,,en,no,,no\n"
    )

    _, job = upload(signed_in, csv_text)

    assert job.preview["errors"] == [
        {
            "row": 3,
            "column": "email",
            "message": "The same customer and email are on row 2 already.",
        }
    ]


def test_an_existing_contact_is_updated_not_doubled(signed_in):
    contact = ContactFactory(
        customer=CustomerFactory(name="Bharat Textiles"),
        email="priya@bharat.example",
        name="P Nair",
    )
    csv_text = (
        CONTACT_HEADER + "Bharat Textiles,Priya Nair,PRIYA@bharat.example,,hi,yes,2026-03-01,no\n"
    )

    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    assert job.preview["counts"]["update"] == 1
    assert Contact.objects.count() == 1
    contact.refresh_from_db()
    assert (contact.name, contact.language) == ("Priya Nair", "hi")
    assert contact.history.first().history_change_reason == "CSV import"


def test_an_unchanged_row_writes_no_history(signed_in):
    contact = ContactFactory(
        customer=CustomerFactory(name="Acme"), email="a@acme.example", name="Al"
    )
    csv_text = CONTACT_HEADER + "Acme,Al,a@acme.example,,en,yes,2026-01-15,no\n"

    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    assert job.preview["counts"]["unchanged"] == 1
    assert contact.history.count() == 1


def test_an_email_on_the_suppression_list_is_skipped_with_the_reason(signed_in):
    CustomerFactory(name="Acme")
    SuppressedEmail.objects.create(email_hash=email_hash("gone@acme.example"), reason="erased")
    csv_text = (
        CONTACT_HEADER
        + "Acme,Gone,Gone@acme.example,,en,no,,no\nAcme,Here,here@acme.example,,en,no,,no\n"
    )

    _, job = upload(signed_in, csv_text)
    assert "suppression list" in signed_in.get(job.get_absolute_url()).content.decode()
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    assert job.preview["skipped"] == [
        {
            "row": 2,
            "email": "gone@acme.example",
            "reason": "on the suppression list (erased or unsubscribed)",
        }
    ]
    assert list(Contact.objects.values_list("email", flat=True)) == ["here@acme.example"]


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


def test_html_in_a_text_field_is_stored_as_text_and_escaped_on_the_page(signed_in):
    CustomerFactory(name="Acme")
    csv_text = CONTACT_HEADER + "Acme,<script>alert(1)</script>,x@acme.example,,en,no,,no\n"

    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    contact = Contact.objects.get()
    assert contact.name == "<script>alert(1)</script>"
    page = signed_in.get(contact.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_customers_import_matches_on_name_and_country_and_links_segments(signed_in):
    SegmentFactory(name="Healthcare")
    SegmentFactory(name="Public sector")
    existing = CustomerFactory(name="Klinikum Rhein-Main", country="DE", status="active")
    owner = UserFactory(email="owner@example.com")
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


def test_a_large_file_is_checked_and_imported_by_the_worker(
    signed_in, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(import_jobs, "ASYNC_ROW_THRESHOLD", 3)
    enqueued = []
    monkeypatch.setattr(
        import_jobs, "ring", lambda task, job_id: enqueued.append(task.rsplit(".")[-1])
    )
    CustomerFactory(name="Acme")
    rows = "".join(f"Acme,Person {n},p{n}@acme.example,,en,no,,no\n" for n in range(5))

    with django_capture_on_commit_callbacks(execute=True):
        _, job = upload(signed_in, CONTACT_HEADER + rows)
    assert (job.state, enqueued) == (ImportJob.State.CHECKING, ["check_import"])
    assert "<progress" in signed_in.get(job.get_absolute_url()).content.decode()

    import_jobs.import_check(job_id=job.pk)
    import_jobs.import_check(job_id=job.pk)  # a second delivery does nothing
    job.refresh_from_db()
    assert job.preview["counts"]["create"] == 5

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("customers:import_confirm", args=[job.pk]))
    assert enqueued == ["check_import", "run_import"]
    import_jobs.import_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.processed_rows) == (ImportJob.State.DONE, 5)
    assert Contact.objects.count() == 5
    partial = signed_in.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "Imported: 5 created" in partial.content.decode()


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-42", "-42"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+91 (22) 5555-0100", "+91 (22) 5555-0100"),
        ("\tnote", "'\tnote"),
        ("Plain text", "Plain text"),
    ],
)
def test_export_cells_that_could_run_as_formulas_are_escaped(value, exported):
    assert safe_cell(value) == exported


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


@pytest.mark.parametrize(
    "value",
    [
        "priya@bharat.example",
        "first.last+tag@sub.example.co.in",
        '"quoted name"@example.com',
        "user@[192.168.0.1]",
        "user@localhost",
        "user@xn--bcher-kva.example",
        "",
        "no-at-sign.example",
        "two@@example.com",
        "user@-bad-.example",
        "user@example..com",
        "user@.example.com",
        "a" * 310 + "@example.com",
        "user@" + "a" * 64 + ".example",
        "user name@example.com",
        "user@exa mple.com",
        "user@example.c",
    ],
)
def test_the_import_checks_emails_exactly_as_django_does(value):
    try:
        validate_email(value)
        expected = True
    except ValidationError:
        expected = False

    assert contact_checks.email_ok(value) is expected


def test_a_customer_import_records_the_links_in_the_history_it_writes(signed_in):
    healthcare = SegmentFactory(name="Healthcare")
    product = ProductServiceFactory(name="Calibration")
    existing = CustomerFactory(name="Klinikum Rhein-Main", country="DE")
    existing.products.add(product)
    csv_text = "name,country,segments\nKlinikum Rhein-Main,DE,Healthcare\nLakeside Clinic,US,\n"

    _, job = upload(signed_in, csv_text, kind="customers", name="customers.csv")
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    imported = existing.history.latest()
    assert imported.history_change_reason == "CSV import"
    assert [link.segment_id for link in imported.segments.all()] == [healthcare.pk]
    assert [link.productservice_id for link in imported.products.all()] == [product.pk]
    created = Customer.objects.get(name="Lakeside Clinic").history.get()
    assert list(created.segments.all()) == []
