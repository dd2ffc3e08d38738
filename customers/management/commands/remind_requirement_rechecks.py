from typing import Any

from django.core.management.base import BaseCommand

from core.history import system_actor
from customers.requirements.services import requirements_remind_recheck


class Command(BaseCommand):
    help = "Email the owners of requirements whose law or standard is due to be checked again."

    def handle(self, *args: Any, **options: Any) -> None:
        with system_actor("command remind_requirement_rechecks"):
            sent = requirements_remind_recheck()
        self.stdout.write(f"{sent} reminder(s) queued.")
