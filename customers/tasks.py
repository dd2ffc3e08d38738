"""The customers app's Celery tasks: thin, idempotent, claiming their job rows.

Services enqueue these by name (``core.broker.ring``) and never import this module,
so the imports point one way: tasks -> services.
"""

from celery import shared_task

from customers.register import services as register
from customers.register.imports import jobs, retention
from customers.requirements import services as requirements


@shared_task
def check_import(job_id: int) -> None:
    """Check (dry-run) a large uploaded CSV file."""
    jobs.import_check(job_id=job_id)


@shared_task
def run_import(job_id: int) -> None:
    """Import a confirmed large CSV file in one transaction."""
    jobs.import_run(job_id=job_id)


@shared_task
def reclaim_stale_imports() -> int:
    """Give back import jobs whose worker died."""
    return jobs.imports_reclaim_stale()


@shared_task
def purge_import_files() -> int:
    """Delete uploaded import files past their retention period or held for an erasure."""
    return retention.import_files_purge()


@shared_task
def remind_requirement_rechecks() -> int:
    """Email the owners of requirements whose law or standard is due to be checked."""
    return requirements.requirements_remind_recheck()


@shared_task
def refresh_contact_figures() -> None:
    """Count the contacts the home page shows, so that no page view counts them."""
    register.contact_figures_refresh()
