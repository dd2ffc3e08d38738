"""How long an import keeps the file it was given, and forgetting an erased person.

An uploaded file is kept while it may be needed (to confirm a checked import, to
see what was imported) and deleted ``IMPORT_FILE_RETENTION_DAYS`` after upload by the
``purge_import_files`` beat job. A file that holds a contact who is erased is deleted
at once. Either way the job row stays with its counts, the record of the import, its
page says when and why the file went, and the preview's rows (names and addresses,
as the check showed them) go with the file.

The erasure deletes such a file rather than rewriting it without the person: a
rewritten file is no longer the file that was checked, rewriting costs a pass over up
to ``IMPORT_MAX_UPLOAD_BYTES`` per file inside the erasure's transaction, and a file
that cannot be read (the reason an import failed) cannot be rewritten at all. A job
that is checking or importing at that moment keeps its file until it ends, because
its worker reads the file; the beat job deletes the file then. A checked import
whose file is deleted can no longer be confirmed: it is uploaded again, and the
erased person is skipped by the suppression list.
"""

import contextlib
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.erasure import Pseudonyms
from customers.models import ImportJob
from customers.register.imports.jobs import CLAIM_LEASE
from customers.register.imports.reading import ImportFileError, decode

logger = logging.getLogger(__name__)
State = ImportJob.State
Deletion = ImportJob.FileDeletion
RUNNING = [State.CHECKING, State.IMPORTING]
# Encodings a file is searched in besides its own: a file that failed may have been
# saved in another one than the person chose.
OTHER_ENCODINGS = ["utf-8", "utf-16", "utf-16-be", "cp1252"]


def _counts_only(preview: dict[str, Any]) -> dict[str, Any]:
    # The counts say what the import would have done; the rows say whom it concerned.
    return {"counts": preview.get("counts", {})} if preview else {}


def _file_texts(job: ImportJob) -> Iterator[str]:
    """Yield the stored file's text as read in each encoding it may be in, one at a
    time (a file is up to ``IMPORT_MAX_UPLOAD_BYTES``)."""
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return  # gone already, or never stored
    with contextlib.suppress(ImportFileError):  # then the other encodings say
        yield decode(data, job.encoding)
    for codec in OTHER_ENCODINGS:
        yield data.decode(codec, errors="replace")


def import_file_holds(job: ImportJob, pseudonyms: Pseudonyms) -> bool:
    """Return whether the job's stored file mentions the person."""
    return any(pseudonyms.found_in(text) for text in _file_texts(job))


def imports_forget(*, pseudonyms: Pseudonyms) -> list[int]:
    """Take an erased person out of the imports; return the ids of those whose file goes.

    Called inside the erasure's transaction. Every import whose stored file, preview or
    error mentions the person has its preview and error scrubbed now and its file
    marked for deletion; ``import_files_delete`` deletes the files after the erasure
    commits, except those of running jobs, which the beat job deletes when they end.
    The files read are at most those of ``IMPORT_FILE_RETENTION_DAYS`` of uploads.
    """
    marked = []
    jobs = ImportJob.objects.filter(Q(file_deleted_at__isnull=True) | ~Q(error="")).only(
        "file", "encoding", "preview", "error", "file_deletion", "file_deleted_at"
    )
    for job in list(jobs):  # read whole: the loop writes to the same table
        kept = job.file_deleted_at is None and bool(job.file)
        mentions = pseudonyms.json_mentions(job.preview) or pseudonyms.found_in(job.error)
        if not (mentions or (kept and import_file_holds(job, pseudonyms))):
            continue
        changes: dict[str, Any] = {
            "preview": pseudonyms.scrub_json(job.preview),
            "error": pseudonyms.scrub(job.error),
        }
        if job.file_deleted_at is None:
            # An earlier reason stands: the file goes either way.
            changes["file_deletion"] = job.file_deletion or Deletion.ERASURE
            marked.append(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(**changes)
    return marked


def forget_erased_contact(sender: Any, *, pseudonyms: Pseudonyms, **kwargs: Any) -> None:
    """Take an erased contact out of the imports (a ``contact_erased`` receiver): scrub
    now, delete the files once the erasure commits."""
    if imports_forget(pseudonyms=pseudonyms):
        transaction.on_commit(import_files_delete, robust=True)


def import_files_delete(*, now: datetime | None = None) -> int:
    """Delete the files marked for deletion of jobs not running; return how many.

    The file goes first and the row says so after: a row that says deleted never
    points at a file still on disk, and a file already gone is no error.
    """
    now = now or timezone.now()
    deleted = 0
    due = (
        ImportJob.objects.filter(file_deleted_at__isnull=True)
        .exclude(file_deletion="")
        .exclude(state__in=RUNNING)
    )
    for job in due.only("file", "preview"):
        if job.file:
            job.file.storage.delete(job.file.name)
        deleted += (
            ImportJob.objects.filter(pk=job.pk, file_deleted_at__isnull=True)
            .exclude(state__in=RUNNING)
            .update(file="", file_deleted_at=now, preview=_counts_only(job.preview))
        )
    return deleted


def import_files_purge() -> int:
    """Delete the files of imports past ``IMPORT_FILE_RETENTION_DAYS``, and those marked
    by an erasure whose job has ended since; return how many files were deleted.

    A job still checking or importing when its file expires has been stuck that long
    (its worker died each time): it is marked failed, so that no worker reads the
    missing file, unless a worker holds it right now.
    """
    now = timezone.now()
    cutoff = now - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    old = ImportJob.objects.filter(created_at__lt=cutoff, file_deleted_at__isnull=True)
    stuck = old.filter(state__in=RUNNING).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    )
    failed = stuck.update(
        state=State.FAILED,
        error=_(
            "The import did not finish, and its file was deleted after the retention "
            "period: upload the file again."
        ),
        claimed_at=None,
        finished_at=now,
    )
    if failed:
        logger.warning("%d import(s) stuck past the file retention period marked failed", failed)
    old.filter(file_deletion="").exclude(state__in=RUNNING).update(file_deletion=Deletion.RETENTION)
    return import_files_delete(now=now)
