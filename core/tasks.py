"""Core's Celery tasks: thin wrappers around services, safe to run twice.

Each task imports the service it calls inside its body: the services import this
module to enqueue, so the imports point one way.
"""

from celery import shared_task
from django.core.management import call_command


@shared_task
def heartbeat(name: str = "worker") -> None:
    """Record that the worker ran a task sent by beat: /healthz reports it."""
    from core.services import heartbeat_record  # noqa: PLC0415

    heartbeat_record(name=name)


@shared_task
def clear_expired_sessions() -> None:
    """Remove expired sessions from the session table."""
    call_command("clearsessions")


@shared_task
def purge_login_records() -> None:
    """Delete login records past their retention period."""
    from core.services import login_records_purge  # noqa: PLC0415

    login_records_purge()


@shared_task
def deliver_emails(email_ids: list[int]) -> dict[str, int]:
    """Deliver the given queued emails; rows already claimed, sent or not due are skipped."""
    from core.email import emails_deliver  # noqa: PLC0415

    return emails_deliver(email_ids=email_ids)


@shared_task
def retry_due_emails() -> int:
    """Re-enqueue emails whose next attempt is due, and reclaim stale claims."""
    from core.email import emails_retry_due  # noqa: PLC0415

    return emails_retry_due()


@shared_task
def purge_email_bodies() -> int:
    """Blank email bodies past their retention period; the rows stay."""
    from core.email import emails_purge_bodies  # noqa: PLC0415

    return emails_purge_bodies()
