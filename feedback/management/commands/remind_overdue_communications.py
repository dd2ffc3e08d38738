from typing import Any

from django.core.management.base import BaseCommand

from core.history import system_actor
from feedback.communication.services import plan_remind_overdue


class Command(BaseCommand):
    help = (
        "Email the person responsible for each planned communication whose next due date "
        "has passed (once per due date)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with system_actor("command remind_overdue_communications"):
            sent = plan_remind_overdue()
        self.stdout.write(f"{sent} reminder(s) queued.")
