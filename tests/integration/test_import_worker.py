"""A large CSV is checked and imported by a real worker, with progress on the row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Contact, ImportJob
from customers.register.imports import jobs as import_jobs
from customers.register.imports import writer
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_checks_and_imports_a_large_file(
    celery_worker, wait_for, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(import_jobs, "ASYNC_ROW_THRESHOLD", 10)
    monkeypatch.setattr(writer, "BATCH_SIZE", 20)
    CustomerFactory(name="Acme")
    user = UserFactory()
    rows = "".join(f"Acme,Person {n},p{n}@acme.example\n" for n in range(60))
    upload = SimpleUploadedFile("big.csv", ("customer,name,email\n" + rows).encode())

    job = import_jobs.import_start(kind="contacts", upload=upload, by=user)
    assert job.state == ImportJob.State.CHECKING
    checked = wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, state="checked").first(), what="the check"
    )
    assert checked.preview["counts"]["create"] == 60
    assert Contact.objects.count() == 0

    import_jobs.import_confirm(job=checked, by=user)
    done = wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, state="done").first(), what="the import"
    )

    assert (done.processed_rows, done.result) == (60, {"created": 60, "updated": 0})
    assert Contact.objects.count() == 60
    assert Contact.history.filter(history_user=user).count() == 60


def test_a_real_worker_that_meets_an_unexpected_error_fails_the_job_not_leaves_it_stuck(
    celery_worker, wait_for, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(import_jobs, "ASYNC_ROW_THRESHOLD", 10)
    CustomerFactory(name="Acme")
    rows = "".join(f"Acme,Person {n},p{n}@acme.example\n" for n in range(20))
    upload = SimpleUploadedFile("big.csv", ("customer,name,email\n" + rows).encode())
    # The worker cannot read the file (say, it runs without the media folder).
    monkeypatch.setattr(import_jobs, "_read", lambda job: (tmp_path / "gone.csv").read_bytes())

    job = import_jobs.import_start(kind="contacts", upload=upload, by=UserFactory())
    failed = wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, state="failed").first(), what="the failure"
    )

    assert failed.error.startswith("The file could not be checked because of an unexpected error")
    assert failed.claimed_at is None
    assert import_jobs.imports_reclaim_stale() == 0
