from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class QmsConfig(AppConfig):
    """System level (5.1, 5.2, 6.1, 6.2, 7.2, 7.3, 9.3): policy, objectives, reviews, packs."""

    name = "qms"
    verbose_name = _("Quality management system")

    def ready(self) -> None:
        if settings.EXIT_WITH_PARENT:
            from qms.processes import exit_with_parent  # noqa: PLC0415 - make run only

            exit_with_parent()
