from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from core.services import login_records_purge


class Command(BaseCommand):
    help = "Delete login records older than LOGIN_RECORD_RETENTION_DAYS (beat runs it daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = login_records_purge()
        days = settings.LOGIN_RECORD_RETENTION_DAYS
        self.stdout.write(f"Deleted {count} login records older than {days} days.")
