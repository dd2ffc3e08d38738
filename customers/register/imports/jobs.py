"""Import jobs: a small file is checked and imported in the request, a large one by a
Celery task that claims the job row; the page shows the progress either way.

A job never stays stuck and never shows a raw error. A file that cannot be read
fails with what to fix; an unexpected error (a bug, the database, a missing file) is
logged and fails the job with a general message, since a database's message can
quote other people's data; a worker that dies holding a job leaves it to
``imports_reclaim_stale``, which gives it back once and fails it the second time.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.broker import ring
from core.models import User
from core.records import lock_stored
from customers.models import ImportJob
from customers.register.imports import checks, writer
from customers.register.imports.plan import Plan
from customers.register.imports.reading import (
    ImportFileError,
    rows_at_most,
    too_large,
    too_large_message,
)

logger = logging.getLogger(__name__)
State = ImportJob.State
CLAIM_LEASE = timedelta(minutes=15)
# Larger files are checked and imported by a Celery task, with progress on the page.
ASYNC_ROW_THRESHOLD = 2000
# A job whose worker died this many times (killed, out of memory, over the hard time
# limit) is failed rather than given back again: the file itself may be the cause.
MAX_ATTEMPTS = 2
CHECK_TASK = "customers.tasks.check_import"
RUN_TASK = "customers.tasks.run_import"

CHECK_FAILED = gettext_lazy(
    "The file could not be checked because of an unexpected error, which is logged for "
    "the administrator. Nothing was imported. Upload the file again; if this happens "
    "again, tell your administrator."
)
IMPORT_FAILED = gettext_lazy(
    "The import failed because of an unexpected error, which is logged for the "
    "administrator, and nothing was saved. Upload the file again; if this happens "
    "again, tell your administrator."
)
REGISTER_CHANGED = gettext_lazy(
    "While the file was being imported, a contact or customer it changes was erased or "
    "voided, so nothing was saved. Upload the file again: the check will show what "
    "changed."
)
WORKER_LOST = gettext_lazy(
    "The worker stopped twice while working on this file, so it is not tried again. "
    "Nothing was imported. Split the file into smaller files and upload them, or tell "
    "your administrator."
)


def import_start(
    *, kind: str, upload: UploadedFile, by: User, encoding: str = ImportJob.Encoding.UTF_8
) -> ImportJob:
    """Store an uploaded file and check it (the dry run): now, or in a task if large.

    ``encoding`` is the one the person chose for the file (UTF-8 unless they say).
    An upload that fails on the way (the database, say) leaves nothing behind, no
    job and no stored file; call it outside a transaction, since a rollback after it
    returns would leave the file.
    """
    if too_large(upload.size):
        raise ValidationError({"file": too_large_message()})
    data = upload.read()
    job = ImportJob(
        kind=kind, encoding=encoding, original_name=upload.name or "upload.csv", created_by=by
    )
    # Never fewer rows than the file holds, so a large file is never checked here.
    job.total_rows = rows_at_most(data, encoding)
    try:
        with transaction.atomic():
            upload.seek(0)
            job.file.save(upload.name or "upload.csv", upload, save=False)
            job.save()
            if job.total_rows > ASYNC_ROW_THRESHOLD:
                transaction.on_commit(lambda: ring(CHECK_TASK, job.pk))
            else:
                with _failing_clearly(job):
                    _check(job, data)
    except BaseException:
        _delete_file(job)
        raise
    return job


def _delete_file(job: ImportJob) -> None:
    if not job.file.name:
        return
    try:
        job.file.storage.delete(job.file.name)
    except OSError:
        logger.exception("The file of a failed upload could not be deleted: %s", job.file.name)


def _read(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


@contextmanager
def _failing_clearly(job: ImportJob) -> Iterator[None]:
    """Fail the job with a general message if anything unexpected goes wrong inside,
    and log the error for the administrator."""
    try:
        # Inside a transaction (the request's), a savepoint: the failure is recorded
        # after what went wrong is rolled back. Outside one (a task), none: on SQLite
        # a transaction would hold the write lock for the whole check.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            yield
    except Exception:
        checking = job.state == State.CHECKING
        logger.exception("%s import #%s failed", "Checking" if checking else "Running", job.pk)
        _fail(job, str(CHECK_FAILED if checking else IMPORT_FAILED))


def _fail(job: ImportJob, message: str) -> None:
    job.state, job.error = State.FAILED, message
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.FAILED, error=message, claimed_at=None, finished_at=timezone.now()
    )


def _check(job: ImportJob, data: bytes, *, then: str | None = State.CHECKED) -> Plan | None:
    """Check the file and keep the preview on the job, which moves to ``then`` and is
    given back (None: it stays as it is, claimed); or fail it if the file cannot be
    read, and return None."""
    try:
        plan = checks.check(job.kind, data, job.encoding)
    except ImportFileError as exc:
        _fail(job, str(exc))
        return None
    job.preview = plan.preview()
    job.total_rows = plan.total
    moved = {"state": then, "claimed_at": None} if then else {}
    ImportJob.objects.filter(pk=job.pk).update(preview=job.preview, total_rows=plan.total, **moved)
    if then:
        job.state = then
    return plan


def _claim(job_id: int, state: str) -> ImportJob | None:
    claimed = ImportJob.objects.filter(
        pk=job_id, state=state, claimed_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    ).update(claimed_at=timezone.now(), attempts=F("attempts") + 1)
    return ImportJob.objects.get(pk=job_id) if claimed else None


def import_check(*, job_id: int) -> None:
    """Check a large file in the worker; a job already taken is left alone."""
    job = _claim(job_id, State.CHECKING)
    if job is not None:
        with _failing_clearly(job):
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
    # The worker that checked the file counted its attempts; the import counts anew.
    ImportJob.objects.filter(pk=job.pk).update(state=State.IMPORTING, processed_rows=0, attempts=0)
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
    with _failing_clearly(job):
        # The register may have changed since the dry run: check again, import only if
        # the file is still clean, all of it or nothing. The job stays claimed.
        plan = _check(job, _read(job), then=None)
        if plan is None:
            return
        if plan.errors:
            ImportJob.objects.filter(pk=job.pk).update(state=State.CHECKED, claimed_at=None)
            return

        def progress(done: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

        reason = _("CSV import #%(number)d (%(file)s)") % {
            "number": job.pk,
            "file": job.original_name,
        }
        try:
            applied = writer.apply(plan, by=by, reason=reason, progress=progress)
        except writer.RegisterChangedError:
            _fail(job, str(REGISTER_CHANGED))
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
    """Give back jobs whose worker died, and ring the broker for them again; fail those
    whose worker died on them twice, which would otherwise be tried every quarter of
    an hour for ever. Return how many jobs were given back."""
    now = timezone.now()
    running = ImportJob.objects.filter(state__in=[State.CHECKING, State.IMPORTING])
    lost = Q(claimed_at__lt=now - CLAIM_LEASE)
    running.filter(lost, attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED, error=str(WORKER_LOST), claimed_at=None, finished_at=now
    )
    stale = running.filter(
        lost
        # Never taken: the broker did not answer when the job was queued.
        | Q(claimed_at__isnull=True, created_at__lt=now - timedelta(minutes=1))
    )
    ids = list(stale.values_list("pk", "state"))
    stale.filter(pk__in=[pk for pk, _ in ids]).update(claimed_at=None)
    for pk, state in ids:
        ring(CHECK_TASK if state == State.CHECKING else RUN_TASK, pk)
    return len(ids)
