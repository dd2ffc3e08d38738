"""An import through its pages: the dry run, the confirmation, a large file in the worker."""

import pytest
from django.urls import reverse

from customers.models import Contact, ImportJob
from customers.register import services
from customers.register.imports import jobs as import_jobs
from tests.customers.register.conftest import CONTACT_HEADER, upload
from tests.factories import (
    ContactFactory,
    CustomerFactory,
)

pytestmark = pytest.mark.django_db


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
    assert job.history_reason == f"CSV import #{job.pk} (contacts.csv)"
    priya = Contact.objects.get(email="priya@bharat.example")
    assert (priya.language, priya.consent, priya.consent_source) == ("hi", True, "import")
    row = priya.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        job.created_by,
        f"CSV import #{job.pk} (contacts.csv)",
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


# Uploading a corrected file -------------------------------------------------------


def corrected_file_link(page):
    """Return the "Upload a corrected file" link's address from a job's page."""
    anchor = page.split(">Upload a corrected file</a>")[0].rsplit("<a ", 1)[1]
    return anchor.split('href="')[1].split('"')[0].replace("&amp;", "&")


def test_upload_a_corrected_file_after_a_file_error_keeps_the_kind_and_encoding(signed_in):
    _, job = upload(signed_in, "customer,name\nAcme,Ann\n", choose="cp1252")
    assert job.state == ImportJob.State.FAILED

    link = corrected_file_link(signed_in.get(job.get_absolute_url()).content.decode())
    form = signed_in.get(link).context["form"]

    assert (form["kind"].value(), form["encoding"].value()) == ("contacts", "cp1252")


def test_upload_a_corrected_file_after_row_errors_keeps_the_kind(signed_in):
    _, job = upload(signed_in, CONTACT_HEADER + "Nobody Inc,Sam,sam@nobody.example,,en,no,,no\n")
    assert job.has_errors

    link = corrected_file_link(signed_in.get(job.get_absolute_url()).content.decode())
    response = signed_in.get(link)

    assert response.context["form"]["kind"].value() == "contacts"
    assert '<option value="contacts" selected>' in response.content.decode()


def test_a_refused_upload_shows_the_form_with_the_kind_chosen(signed_in):
    response, job = upload(signed_in, CONTACT_HEADER, name="contacts.xlsx", choose="utf-16")

    assert job is None
    assert "Upload a .csv file" in response.content.decode()
    form = response.context["form"]
    assert (form["kind"].value(), form["encoding"].value()) == ("contacts", "utf-16")


def test_an_unknown_kind_in_the_address_is_ignored(signed_in):
    form = signed_in.get(reverse("customers:import_start"), {"kind": "suppliers"}).context["form"]

    assert form["kind"].value() is None


# The records an import created and updated ----------------------------------------


def test_after_an_import_the_page_links_to_the_contacts_it_created_and_updated(signed_in):
    acme = CustomerFactory(name="Acme")
    updated = ContactFactory(customer=acme, email="ann@acme.example", name="A")
    untouched = ContactFactory(customer=acme, email="bob@acme.example", name="Bob")
    csv_text = CONTACT_HEADER + (
        "Acme,Ann,ann@acme.example,,en,no,,no\nAcme,Cleo,cleo@acme.example,,en,no,,no\n"
    )
    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))
    # Later changes by hand do not make a record the import's.
    services.contact_save(contact=untouched, by=job.created_by)

    page = signed_in.get(job.get_absolute_url()).content.decode()
    link = f"{reverse('customers:contact_list')}?import={job.pk}"
    assert f'href="{link}"' in page
    response = signed_in.get(link)

    listed = {contact.email for contact in response.context["page"]}
    assert listed == {"ann@acme.example", "cleo@acme.example"}
    assert updated.pk in {contact.pk for contact in response.context["page"]}
    assert "Showing only what the import of contacts.csv" in response.content.decode()


def test_the_customers_list_shows_the_customers_an_import_created_and_updated(signed_in):
    CustomerFactory(name="Acme", country="GB", status="active")
    CustomerFactory(name="Bystander", country="GB")
    _, first = upload(signed_in, "name,country\nEarlier Ltd,GB\n", kind="customers", name="a.csv")
    signed_in.post(reverse("customers:import_confirm", args=[first.pk]))
    _, job = upload(
        signed_in,
        "name,country,status\nAcme,GB,at risk\nNewco,FR,prospect\n",
        kind="customers",
        name="b.csv",
    )
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))
    job.refresh_from_db()

    response = signed_in.get(job.records_url)

    assert job.records_url == f"{reverse('customers:customer_list')}?import={job.pk}"
    assert sorted(customer.name for customer in response.context["page"]) == ["Acme", "Newco"]
    assert (
        "See the customers it created or updated"
        in signed_in.get(job.get_absolute_url()).content.decode()
    )


def test_a_list_filtered_by_an_import_that_is_not_there_shows_nothing(signed_in):
    ContactFactory()
    _, job = upload(signed_in, "customer,name\nAcme,Ann\n")  # failed: never imported

    for value in ("999999", "abc", str(job.pk)):
        response = signed_in.get(reverse("customers:contact_list"), {"import": value})
        assert list(response.context["page"]) == [], value
        assert "No finished import has this number" in response.content.decode()


def test_the_import_filter_stays_in_the_filter_form(signed_in):
    CustomerFactory(name="Acme")
    _, job = upload(signed_in, CONTACT_HEADER + "Acme,Ann,ann@acme.example,,en,no,,no\n")
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    page = signed_in.get(reverse("customers:contact_list"), {"import": job.pk}).content.decode()

    assert f'<input type="hidden" name="import" value="{job.pk}"' in page
