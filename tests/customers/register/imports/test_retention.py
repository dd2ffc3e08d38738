"""An import's file is kept for a while, and not at all once it holds an erased person:
the job and its counts stay, and its page says when and why the file went."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from customers.models import Contact, Customer, ImportJob
from customers.register import services
from customers.register.imports import jobs as import_jobs
from customers.register.imports.retention import import_files_purge
from customers.tasks import purge_import_files
from tests.core.test_settings import run_django
from tests.customers.register.conftest import CONTACT_HEADER, upload
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

UPLOADED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file())


def erase(contact, by):
    return services.contact_erase(
        contact=contact,
        by=by,
        requested_by="The contact, by email",
        requested_on=date(2026, 11, 30),
    )


def test_erasure_deletes_the_files_that_hold_the_person_and_the_page_says_why(
    signed_in, quality_manager, django_capture_on_commit_callbacks
):
    acme = CustomerFactory(name="Acme")
    ann = ContactFactory(customer=acme, name="Ann Smith", email="ann@acme.example")
    _, holding = upload(signed_in, CONTACT_HEADER + "Acme,Ann Smith,ann@acme.example,,en,no,,no\n")
    _, other = upload(signed_in, CONTACT_HEADER + "Acme,Bob Jones,bob@acme.example,,en,no,,no\n")
    assert len(stored_files()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        erase(ann, quality_manager)

    holding.refresh_from_db()
    other.refresh_from_db()
    assert stored_files() == [Path(django_settings.MEDIA_ROOT) / other.file.name]
    assert (holding.file.name, holding.file_deletion) == ("", ImportJob.FileDeletion.ERASURE)
    # The counts stay as the record; the rows, which named the person, went with the file.
    assert holding.preview == {
        "counts": {"rows": 1, "create": 0, "update": 1, "unchanged": 0, "skip": 0, "errors": 0}
    }
    assert (other.file_deletion, other.preview["sample"][0]["name"]) == ("", "Bob Jones")

    page = signed_in.get(holding.get_absolute_url()).content.decode()
    assert "because it held the personal data of a contact who was erased" in page
    assert "Import now" not in page
    assert "Upload the file again" in page
    download = signed_in.get(reverse("customers:import_file", args=[holding.pk]), follow=True)
    assert download.redirect_chain == [(holding.get_absolute_url(), 302)]
    assert "held the personal data of a contact who was erased" in str(
        next(iter(download.context["messages"]))
    )
    confirm = signed_in.post(reverse("customers:import_confirm", args=[holding.pk]), follow=True)
    assert "Upload the file again to import it." in confirm.content.decode()
    assert ImportJob.objects.get(pk=holding.pk).state == ImportJob.State.CHECKED
    kept = signed_in.get(reverse("customers:import_file", args=[other.pk]))
    assert b"".join(kept.streaming_content).endswith(
        b"Acme,Bob Jones,bob@acme.example,,en,no,,no\n"
    )
    assert kept["Content-Disposition"] == 'attachment; filename="contacts.csv"'


def test_a_file_is_searched_in_its_own_encoding_and_a_customers_file_by_the_persons_name(
    signed_in, quality_manager, django_capture_on_commit_callbacks
):
    person = CustomerFactory(name="Zoë Quennell", kind=Customer.Kind.PERSON)
    zoe = ContactFactory(customer=person, name="Zoë Quennell", email="zq@mail.example")
    _, utf16 = upload(
        signed_in,
        CONTACT_HEADER + "Zoë Quennell,Zoë Quennell,ZQ@mail.example,,en,no,,no\n",
        encoding="utf-16",
        choose="utf-16",
    )
    _, customers_file = upload(
        signed_in, "name,kind,notes\nZoë Quennell,person,Prefers calls\n", kind="customers"
    )
    assert b"zq@mail.example" not in utf16.file.open("rb").read().lower()

    with django_capture_on_commit_callbacks(execute=True):
        erase(zoe, quality_manager)

    assert stored_files() == []
    for job in (utf16, customers_file):
        job.refresh_from_db()
        assert job.file_deletion == ImportJob.FileDeletion.ERASURE


def test_a_running_import_keeps_its_file_until_it_ends_then_the_purge_deletes_it(
    signed_in, quality_manager, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(import_jobs, "ASYNC_ROW_THRESHOLD", 2)
    monkeypatch.setattr(import_jobs, "ring", lambda task, job_id: None)
    acme = CustomerFactory(name="Acme")
    ann = ContactFactory(customer=acme, name="Ann Smith", email="ann@acme.example")
    rows = "".join(f"Acme,Person {n},p{n}@acme.example,,en,no,,no\n" for n in range(3))
    _, job = upload(
        signed_in, CONTACT_HEADER + rows + "Acme,Ann Smith,ann@acme.example,,en,no,,no\n"
    )
    assert job.state == ImportJob.State.CHECKING

    with django_capture_on_commit_callbacks(execute=True):
        erase(ann, quality_manager)

    job.refresh_from_db()
    assert (job.file_deletion, job.file_deleted_at) == (ImportJob.FileDeletion.ERASURE, None)
    assert (
        "deleted as soon as this import ends"
        in signed_in.get(job.get_absolute_url()).content.decode()
    )
    assert import_files_purge() == 0  # still checking: its worker reads the file

    import_jobs.import_check(job_id=job.pk)  # the worker's check runs as ever
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    # The erasure committed before the check read the file: the person is skipped.
    assert job.preview["counts"]["skip"] == 1

    assert purge_import_files.apply().get() == 1
    job.refresh_from_db()
    assert job.file.name == ""
    assert job.file_deleted_at is not None
    assert set(job.preview) == {"counts"}
    assert stored_files() == []


def test_files_past_the_retention_period_are_deleted_and_the_counts_stay(
    signed_in, settings, monkeypatch
):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    monkeypatch.setattr(import_jobs, "ring", lambda task, job_id: None)
    CustomerFactory(name="Acme")
    csv_text = CONTACT_HEADER + "Acme,Ann Smith,ann@acme.example,,en,no,,no\n"
    with time_machine.travel(UPLOADED, tick=False):
        _, done = upload(signed_in, csv_text)
        signed_in.post(reverse("customers:import_confirm", args=[done.pk]))
        _, checked = upload(signed_in, csv_text.replace("Ann", "Anna"))
        _, stuck = upload(signed_in, csv_text)
        ImportJob.objects.filter(pk=stuck.pk).update(state=ImportJob.State.CHECKING)
        _, working = upload(signed_in, csv_text)
    with time_machine.travel(UPLOADED + timedelta(days=29, hours=23), tick=False):
        _, young = upload(signed_in, csv_text)
        assert (
            "It is deleted on 2026-12-01" in signed_in.get(done.get_absolute_url()).content.decode()
        )
        assert import_files_purge() == 0

    with time_machine.travel(UPLOADED + timedelta(days=30, hours=1), tick=False):
        # A worker holds this one right now: it is left alone until it lets go.
        ImportJob.objects.filter(pk=working.pk).update(
            state=ImportJob.State.IMPORTING, claimed_at=UPLOADED + timedelta(days=30, minutes=55)
        )
        assert import_files_purge() == 3
        assert import_files_purge() == 0  # safe to run twice
        page = signed_in.get(checked.get_absolute_url()).content.decode()

    assert "deleted on 2026-12-01, 30 days after it was uploaded" in page
    assert "Import now" not in page
    for job in (done, checked, stuck):
        job.refresh_from_db()
        assert (job.file.name, job.file_deletion) == ("", ImportJob.FileDeletion.RETENTION)
        assert set(job.preview) == {"counts"}
    assert done.result == {"created": 1, "updated": 0}
    assert checked.preview["counts"]["update"] == 1
    # Stuck for the whole period: failed, so that no worker looks for its file again.
    assert stuck.state == ImportJob.State.FAILED
    assert "upload the file again" in stuck.error
    assert sorted(stored_files()) == sorted(
        Path(django_settings.MEDIA_ROOT) / job.file.name
        for job in ImportJob.objects.filter(pk__in=[working.pk, young.pk])
    )
    assert Contact.objects.filter(email="ann@acme.example").exists()
    download = signed_in.get(reverse("customers:import_file", args=[done.pk]), follow=True)
    assert "30 days after it was uploaded" in download.content.decode()


def test_the_retention_period_is_a_setting_and_the_purge_runs_from_beat(tmp_path):
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-import-files"]
    assert entry["task"] == purge_import_files.name
    assert entry["schedule"] <= 60 * 60

    chosen = run_django(
        "print(settings.IMPORT_FILE_RETENTION_DAYS)", cwd=tmp_path, IMPORT_FILE_RETENTION_DAYS="7"
    )
    default = run_django("print(settings.IMPORT_FILE_RETENTION_DAYS)", cwd=tmp_path)
    refused = run_django("print('started')", cwd=tmp_path, IMPORT_FILE_RETENTION_DAYS="0")

    assert (chosen.stdout.strip(), default.stdout.strip()) == ("7", "30")
    assert "IMPORT_FILE_RETENTION_DAYS must be at least 1" in refused.stderr
