"""The customers app's Celery tasks: thin, idempotent, claiming their job rows."""

from celery import shared_task

from customers import import_jobs


@shared_task
def check_import(job_id: int) -> None:
    """Check (dry-run) a large uploaded CSV file."""
    import_jobs.import_check(job_id=job_id)


@shared_task
def run_import(job_id: int) -> None:
    """Import a confirmed large CSV file in one transaction."""
    import_jobs.import_run(job_id=job_id)


@shared_task
def reclaim_stale_imports() -> int:
    """Give back import jobs whose worker died."""
    return import_jobs.imports_reclaim_stale()


@shared_task
def remind_requirement_rechecks() -> int:
    """Email the owners of requirements whose law or standard is due to be checked."""
    from customers.requirements_services import requirements_remind_recheck  # noqa: PLC0415

    return requirements_remind_recheck()
