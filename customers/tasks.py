"""The customers app's Celery tasks: thin, idempotent, claiming their job rows.

Each task imports the service it calls inside its body: the services import this
module to enqueue, so the imports point one way.
"""

from celery import shared_task


@shared_task
def check_import(job_id: int) -> None:
    """Check (dry-run) a large uploaded CSV file."""
    from customers.register.imports.jobs import import_check  # noqa: PLC0415

    import_check(job_id=job_id)


@shared_task
def run_import(job_id: int) -> None:
    """Import a confirmed large CSV file in one transaction."""
    from customers.register.imports.jobs import import_run  # noqa: PLC0415

    import_run(job_id=job_id)


@shared_task
def reclaim_stale_imports() -> int:
    """Give back import jobs whose worker died."""
    from customers.register.imports.jobs import imports_reclaim_stale  # noqa: PLC0415

    return imports_reclaim_stale()


@shared_task
def remind_requirement_rechecks() -> int:
    """Email the owners of requirements whose law or standard is due to be checked."""
    from customers.requirements.services import requirements_remind_recheck  # noqa: PLC0415

    return requirements_remind_recheck()
