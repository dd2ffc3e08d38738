"""This register's Celery tasks: thin, idempotent wrappers that call its services.

Services enqueue them by name (``core.broker.ring``) and never import this module.
"""

from celery import shared_task

__all__: list[str] = ["escalate_overdue_feedback"]


@shared_task
def escalate_overdue_feedback() -> int:
    """Escalate overdue complaints and follow-ups (each at most once per repeat period)."""
    from feedback.complaints.services import feedback_escalate  # noqa: PLC0415

    return feedback_escalate()
