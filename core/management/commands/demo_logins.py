from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins that load_demo creates."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"  Demo logins at {settings.SITE_URL}/ (password: {DEMO_PASSWORD})")
        for email, full_name, role in DEMO_USERS:
            self.stdout.write(f"    {role.label:<16} {email:<24} {full_name}")
