"""Import jobs: a small file is checked and imported in the request, a large one by a
Celery task that claims the job row; the page shows the progress either way."""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.broker import ring
from core.models import User
from core.records import lock_stored
from customers.models import ImportJob
from customers.register.imports import checks, writer
from customers.register.imports.plan import Plan
from customers.register.imports.reading import ImportFileError, too_large, too_large_message

logger = logging.getLogger(__name__)
State = ImportJob.State
CLAIM_LEASE = timedelta(minutes=15)
# Larger files are checked and imported by a Celery task, with progress on the page.
ASYNC_ROW_THRESHOLD = 2000
CHECK_TASK = "customers.tasks.check_import"
RUN_TASK = "customers.tasks.run_import"


def _rows_in(data: bytes) -> int:
    return max(0, data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1))


@transaction.atomic
def import_start(
    *, kind: str, upload: UploadedFile, by: User, encoding: str = ImportJob.Encoding.UTF_8
) -> ImportJob:
    """Store an uploaded file and check it (the dry run): now, or in a task if large.

    ``encoding`` is the one the person chose for the file (UTF-8 unless they say).
    """
    if too_large(upload.size):
        raise ValidationError({"file": too_large_message()})
    data = upload.read()
    job = ImportJob(
        kind=kind, encoding=encoding, original_name=upload.name or "upload.csv", created_by=by
    )
    job.total_rows = _rows_in(data)
    upload.seek(0)
    job.file.save(upload.name or "upload.csv", upload, save=False)
    job.save()
    if job.total_rows > ASYNC_ROW_THRESHOLD:
        transaction.on_commit(lambda: ring(CHECK_TASK, job.pk))
    else:
        _check(job, data)
    return job


def _read(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def _check(job: ImportJob, data: bytes) -> Plan | None:
    try:
        plan = checks.check(job.kind, data, job.encoding)
    except ImportFileError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.FAILED, error=str(exc), claimed_at=None, finished_at=timezone.now()
        )
        job.refresh_from_db()
        return None
    job.preview = plan.preview()
    job.total_rows = plan.total
    job.state = State.CHECKED
    ImportJob.objects.filter(pk=job.pk).update(
        preview=job.preview, total_rows=plan.total, state=State.CHECKED, claimed_at=None
    )
    return plan


def _claim(job_id: int, state: str) -> ImportJob | None:
    claimed = ImportJob.objects.filter(pk=job_id, state=state, claimed_at__isnull=True).update(
        claimed_at=timezone.now()
    )
    return ImportJob.objects.get(pk=job_id) if claimed else None


def import_check(*, job_id: int) -> None:
    """Check a large file in the worker; a job already taken is left alone."""
    job = _claim(job_id, State.CHECKING)
    if job is not None:
        _check(job, _read(job))


@transaction.atomic
def import_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """Import a checked file with no errors: now, or in a task if it is large."""
    job = lock_stored(job)
    if job.state != State.CHECKED:
        raise ValidationError(_("This import is not waiting for confirmation."))
    if job.file_deletion:
        raise ValidationError(
            _("%(note)s Upload the file again to import it.") % {"note": job.file_note}
        )
    if job.has_errors:
        raise ValidationError(_("The file has errors: correct them and upload it again."))
    ImportJob.objects.filter(pk=job.pk).update(state=State.IMPORTING, processed_rows=0)
    job.state = State.IMPORTING
    if job.total_rows > ASYNC_ROW_THRESHOLD:
        transaction.on_commit(lambda: ring(RUN_TASK, job.pk))
    else:
        _run(job, by)
    return job


def import_run(*, job_id: int) -> None:
    """Import a confirmed large file in the worker."""
    job = _claim(job_id, State.IMPORTING)
    if job is not None:
        _run(job, job.created_by)


def _run(job: ImportJob, by: User) -> None:
    # The register may have changed since the dry run: check again, import only if
    # the file is still clean, all of it or nothing.
    plan = _check(job, _read(job))
    if plan is None:
        return
    if plan.errors:
        return
    ImportJob.objects.filter(pk=job.pk).update(state=State.IMPORTING)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    reason = _("CSV import #%(number)d (%(file)s)") % {
        "number": job.pk,
        "file": job.original_name,
    }
    try:
        applied = writer.apply(plan, by=by, reason=reason, progress=progress)
    except Exception as exc:
        logger.exception("Import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.FAILED,
            error=_("The import failed and nothing was saved: %(error)s") % {"error": exc},
            claimed_at=None,
            finished_at=timezone.now(),
        )
        return
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.DONE,
        result={"created": applied.created, "updated": applied.updated},
        history_reason=reason,
        history_from=applied.history_from,
        history_to=applied.history_to,
        processed_rows=plan.total,
        claimed_at=None,
        finished_at=timezone.now(),
    )


def imports_reclaim_stale() -> int:
    """Give back jobs whose worker died, and ring the broker for them again."""
    now = timezone.now()
    stale = ImportJob.objects.filter(state__in=[State.CHECKING, State.IMPORTING]).filter(
        Q(claimed_at__lt=now - CLAIM_LEASE)
        # Never taken: the broker did not answer when the job was queued.
        | Q(claimed_at__isnull=True, created_at__lt=now - timedelta(minutes=1))
    )
    ids = list(stale.values_list("pk", "state"))
    ImportJob.objects.filter(pk__in=[pk for pk, _ in ids]).update(claimed_at=None)
    for pk, state in ids:
        ring(CHECK_TASK if state == State.CHECKING else RUN_TASK, pk)
    return len(ids)
