"""Periodic housekeeping run by beat; each has a management command twin."""

from celery import shared_task
from django.core.management import call_command

from core import services


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
