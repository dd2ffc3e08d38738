"""An import through its pages: the dry run, the confirmation, a large file in the worker."""

from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from customers.models import Contact, Customer, ImportJob
from customers.register import services
from customers.register.imports import checks
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


# Failures: a clear message, never a stuck job or a stray file ---------------------

GENERIC_CHECK_FAILURE = "The file could not be checked because of an unexpected error"
GENERIC_IMPORT_FAILURE = "The import failed because of an unexpected error"
FIVE_ROWS = CONTACT_HEADER + "".join(
    f"Acme,Person {n},p{n}@acme.example,,en,no,,no\n" for n in range(5)
)


@pytest.fixture
def rung(monkeypatch):
    """Files over 3 rows go to the worker; return the list of jobs the broker is rung for."""
    monkeypatch.setattr(import_jobs, "ASYNC_ROW_THRESHOLD", 3)
    calls = []
    monkeypatch.setattr(import_jobs, "ring", lambda task, job_id: calls.append((task, job_id)))
    return calls


def large_upload(client, capture, text=FIVE_ROWS):
    CustomerFactory(name="Acme")
    with capture(execute=True):
        _, job = upload(client, text)
    assert job.state == ImportJob.State.CHECKING
    return job


def stored_files(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_large_file_whose_upload_the_worker_cannot_read_fails_with_a_clear_message(
    signed_in, rung, django_capture_on_commit_callbacks, caplog
):
    job = large_upload(signed_in, django_capture_on_commit_callbacks)
    job.file.storage.delete(job.file.name)  # say, a worker without the media folder

    import_jobs.import_check(job_id=job.pk)

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.error.startswith(GENERIC_CHECK_FAILURE)
    assert job.claimed_at is None
    assert f"Checking import #{job.pk} failed" in caplog.text
    assert "FileNotFoundError" in caplog.text
    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert GENERIC_CHECK_FAILURE in page
    assert "No such file" not in page
    assert import_jobs.imports_reclaim_stale() == 0


def test_a_large_file_the_csv_reader_refuses_fails_in_the_worker_naming_the_line(
    signed_in, rung, django_capture_on_commit_callbacks
):
    text = FIVE_ROWS + "Acme,Long,long@acme.example," + "9" * 200_000 + ",en,no,,no\n"
    job = large_upload(signed_in, django_capture_on_commit_callbacks, text)

    import_jobs.import_check(job_id=job.pk)

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.error.startswith("Line 7 cannot be read as CSV (field larger than field limit")


def test_a_job_whose_worker_dies_twice_is_failed_not_rung_again_forever(
    signed_in, rung, django_capture_on_commit_callbacks, monkeypatch
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        job = large_upload(signed_in, django_capture_on_commit_callbacks)

    def worker_killed(*args, **kwargs):
        raise SystemExit(137)  # the process ends mid-check: nothing catches this

    monkeypatch.setattr(checks, "check", worker_killed)
    for attempt in range(1, 3):
        with (
            time_machine.travel(start + timedelta(minutes=20 * attempt), tick=False),
            pytest.raises(SystemExit),
        ):
            import_jobs.import_check(job_id=job.pk)
        with time_machine.travel(start + timedelta(minutes=20 * attempt + 16), tick=False):
            import_jobs.imports_reclaim_stale()

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "stopped twice" in job.error
    assert rung == [(import_jobs.CHECK_TASK, job.pk)] * 2  # the upload, one retry


def test_an_unexpected_error_while_checking_a_small_file_shows_a_failed_job(
    signed_in, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("the check fell over")

    monkeypatch.setattr(checks, "check", broken)

    response, job = upload(signed_in, FIVE_ROWS)

    assert response.status_code == 302
    assert (job.state, job.error.startswith(GENERIC_CHECK_FAILURE)) == (
        ImportJob.State.FAILED,
        True,
    )
    assert "the check fell over" in caplog.text
    assert "the check fell over" not in signed_in.get(job.get_absolute_url()).content.decode()


def race_the_write(monkeypatch):
    """Add a contact the file holds just after the last check, as someone could at the
    same moment: the database, not the check, refuses the import."""
    real_check = checks.check

    def check_then_race(*args, **kwargs):
        plan = real_check(*args, **kwargs)
        if import_jobs.ImportJob.objects.filter(state=ImportJob.State.IMPORTING).exists():
            ContactFactory(customer=Customer.objects.get(name="Acme"), email="p0@acme.example")
        return plan

    monkeypatch.setattr(checks, "check", check_then_race)


def assert_failed_clearly(client, job, caplog):
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.error.startswith(GENERIC_IMPORT_FAILURE)
    assert "nothing was saved" in job.error
    assert "IntegrityError" in caplog.text
    page = client.get(job.get_absolute_url()).content.decode()
    assert "constraint" not in page.lower()
    assert not Contact.objects.filter(email="p1@acme.example").exists()


def test_a_database_error_while_importing_shows_a_clear_message_not_the_error(
    signed_in, monkeypatch, caplog
):
    CustomerFactory(name="Acme")
    _, job = upload(signed_in, FIVE_ROWS)
    race_the_write(monkeypatch)

    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    assert_failed_clearly(signed_in, job, caplog)


def test_a_database_error_while_the_worker_imports_shows_a_clear_message_not_the_error(
    signed_in, rung, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    job = large_upload(signed_in, django_capture_on_commit_callbacks)
    import_jobs.import_check(job_id=job.pk)
    race_the_write(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("customers:import_confirm", args=[job.pk]))
    import_jobs.import_run(job_id=job.pk)

    assert_failed_clearly(signed_in, job, caplog)
    assert import_jobs.imports_reclaim_stale() == 0


def test_an_upload_that_fails_leaves_no_file_behind(signed_in, monkeypatch, tmp_path):
    def database_down(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(ImportJob, "save", database_down)

    with pytest.raises(DatabaseError):
        upload(signed_in, FIVE_ROWS)

    assert stored_files(tmp_path) == []


def test_an_upload_refused_as_too_large_stores_no_file(signed_in, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100

    upload(signed_in, FIVE_ROWS)

    assert stored_files(tmp_path) == []


# How many rows: counted the way the reader reads lines -----------------------------


@pytest.mark.parametrize(
    ("line_end", "encoding"),
    [("\n", "utf-8"), ("\r\n", "utf-8"), ("\r", "utf-8"), ("\r\n", "utf-16"), ("\r", "utf-16")],
    ids=["lf", "crlf", "cr", "utf-16-crlf", "utf-16-cr"],
)
def test_a_file_over_the_threshold_goes_to_the_worker_whatever_its_line_ends(
    signed_in, rung, django_capture_on_commit_callbacks, line_end, encoding
):
    CustomerFactory(name="Acme")
    text = FIVE_ROWS.replace("\n", line_end)

    with django_capture_on_commit_callbacks(execute=True):
        _, job = upload(signed_in, text, encoding=encoding, choose=encoding)

    assert job.state == ImportJob.State.CHECKING
    assert job.total_rows >= 5
    assert rung == [(import_jobs.CHECK_TASK, job.pk)]
    import_jobs.import_check(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.total_rows) == (ImportJob.State.CHECKED, 5)


@pytest.mark.parametrize(
    ("line_end", "encoding"),
    [("\n", "utf-8"), ("\r\n", "utf-8"), ("\r", "utf-8"), ("\r\n", "utf-16")],
    ids=["lf", "crlf", "cr", "utf-16-crlf"],
)
def test_a_file_at_the_threshold_is_checked_at_once_whatever_its_line_ends(
    signed_in, rung, line_end, encoding
):
    CustomerFactory(name="Acme")
    text = FIVE_ROWS.replace("\n", line_end).rsplit(line_end, 3)[0] + line_end  # three rows

    _, job = upload(signed_in, text, encoding=encoding, choose=encoding)

    assert (job.state, job.total_rows, rung) == (ImportJob.State.CHECKED, 3, [])


def test_a_line_break_inside_a_quoted_cell_never_makes_a_large_file_look_small(
    signed_in, rung, django_capture_on_commit_callbacks
):
    CustomerFactory(name="Acme")
    text = "customer,name,email,role\n" + "".join(
        f'Acme,Person {n},p{n}@acme.example,"Head of\rbuying"\n' for n in range(4)
    )

    with django_capture_on_commit_callbacks(execute=True):
        _, job = upload(signed_in, text)

    assert job.state == ImportJob.State.CHECKING


def test_a_contact_erased_between_the_last_check_and_the_write_is_not_brought_back(
    signed_in, quality_manager, monkeypatch
):
    customer = CustomerFactory(name="Bharat Textiles")
    priya = ContactFactory(customer=customer, name="Priya Nair", email="priya@bharat.example")
    csv_text = CONTACT_HEADER + (
        "Bharat Textiles,Priya Nair,priya@bharat.example,+91 22 5555 0100,hi,yes,2026-03-01,no\n"
    )
    _, job = upload(signed_in, csv_text)
    assert job.preview["counts"]["update"] == 1
    real_check = checks.check

    def check_then_erase(*args, **kwargs):
        # The erasure commits just after the import's last check, before its write.
        plan = real_check(*args, **kwargs)
        if not Contact.objects.get(pk=priya.pk).is_erased:
            services.contact_erase(
                contact=priya,
                by=quality_manager,
                requested_by="Priya by email",
                requested_on=timezone.localdate(),
            )
        return plan

    monkeypatch.setattr(import_jobs.checks, "check", check_then_erase)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "was erased or voided, so nothing was saved" in job.error
    priya.refresh_from_db()
    assert priya.is_erased
    assert priya.name == f"Erased contact {priya.pk}"
    assert priya.phone == ""
