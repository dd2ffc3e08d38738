"""This register's Celery tasks: thin, idempotent wrappers that call its services.

Services enqueue them by name (``core.broker.ring``) and never import this module.
"""

from celery import shared_task

from feedback.communication import services

__all__: list[str] = ["remind_overdue_communications"]


@shared_task(name="feedback.tasks.remind_overdue_communications")
def remind_overdue_communications() -> int:
    """Email whoever is responsible for a planned communication that is overdue; each
    due date reminds once, so running it again sends nothing twice."""
    return services.plan_remind_overdue()
