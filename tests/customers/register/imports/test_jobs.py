"""An import through its pages: the dry run, the confirmation, a large file in the worker."""

import pytest
from django.urls import reverse

from customers.models import Contact, ImportJob
from customers.register.imports import jobs as import_jobs
from tests.customers.register.conftest import CONTACT_HEADER, upload
from tests.factories import (
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
    priya = Contact.objects.get(email="priya@bharat.example")
    assert (priya.language, priya.consent, priya.consent_source) == ("hi", True, "import")
    row = priya.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        job.created_by,
        "CSV import",
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
