from typing import Any

from django.core.management.base import BaseCommand

from surveys.design.builtin import builtin_install


class Command(BaseCommand):
    help = (
        "Install the built-in questionnaires (relationship NPS, transactional CSAT, "
        "complaint handling) in English and Hindi, each approved as version 1. Those "
        "already installed are left as they are. Migrate runs this too."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for questionnaire in builtin_install():
            self.stdout.write(f"{questionnaire.builtin}: {questionnaire.name}")
