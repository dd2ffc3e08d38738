from typing import Any

from django.core.management.base import BaseCommand

from core.history import system_actor
from feedback.complaints.services import feedback_escalate


class Command(BaseCommand):
    help = (
        "Escalate overdue complaints and follow-ups: email their owner and the quality "
        "managers (again only after ESCALATION_REPEAT_HOURS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with system_actor("command escalate_overdue_feedback"):
            escalated = feedback_escalate()
        self.stdout.write(f"{escalated} item(s) escalated.")
