"""Core's Celery tasks: thin wrappers around services, safe to run twice.

Services enqueue these by name (``core.broker.ring``) and never import this module,
so the imports point one way: tasks -> services.
"""

from celery import shared_task
from django.core.management import call_command

from core import auth, email, services


@shared_task
def heartbeat(name: str = "worker") -> None:
    """Record that the worker ran a task sent by beat: /healthz reports it."""
    services.heartbeat_record(name=name)


@shared_task
def clear_expired_sessions() -> None:
    """Remove expired sessions from the session table."""
    call_command("clearsessions")


@shared_task
def purge_login_records() -> None:
    """Delete login records past their retention period."""
    services.login_records_purge()


@shared_task
def send_password_reset(address: str, language: str | None = None) -> None:
    """Queue a reset email to each active account with this address (none if unknown).

    The reset page rings this with whatever address it was given, so that a known
    address and an unknown one take the page the same time.
    """
    auth.password_reset_send(email=address, language=language)


@shared_task
def send_email_batch(email_ids: list[int]) -> dict[str, int]:
    """Deliver the given queued emails; rows already claimed, sent or not due are skipped."""
    return email.email_batch_send(email_ids=email_ids)


@shared_task
def retry_due_emails() -> int:
    """Re-enqueue emails whose next attempt is due, and reclaim stale claims."""
    return email.emails_retry_due()


@shared_task
def purge_email_bodies() -> int:
    """Blank email bodies past their retention period; the rows stay."""
    return email.emails_purge_bodies()
