from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.history import system_actor
from core.services import roles_sync


def demo_modules() -> list[str]:
    """Return the demo loaders, bottom app first: an app's ``demo_modules`` attribute
    (one per register, in order), else its ``demo`` module if it has one."""
    modules = []
    for config in apps.get_app_configs():
        named = getattr(config, "demo_modules", None)
        if named is not None:
            modules += list(named)
        elif find_spec(config.name) is not None and find_spec(f"{config.name}.demo") is not None:
            modules.append(f"{config.name}.demo")
    return modules


class Command(BaseCommand):
    help = (
        "Load the demo data of every app that has demo modules, bottom app first. "
        "Idempotent: a second run adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even though DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this looks like production: demo data and demo logins "
                "are not loaded. Pass --force if you mean it."
            )
        roles_sync()
        total = 0
        with system_actor("command load_demo"):
            for module_name in demo_modules():
                created = import_module(module_name).load()
                total += len(created)
                for line in created:
                    self.stdout.write(f"  created {line}")
        self.stdout.write(f"Demo data loaded ({total} new records).")
