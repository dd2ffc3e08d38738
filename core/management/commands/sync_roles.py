from typing import Any

from django.core.management.base import BaseCommand

from core.services import roles_sync


class Command(BaseCommand):
    help = "Give each role's group exactly the permissions in core/roles.py (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = roles_sync()
        for role, count in report.granted.items():
            self.stdout.write(f"{role}: {count} permissions")
        for perm in report.unmapped:
            self.stderr.write(f"Not in the role map, granted to nobody: {perm}")
        for perm in report.unknown:
            self.stderr.write(f"In the role map but not installed: {perm}")
