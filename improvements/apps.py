from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementsConfig(AppConfig):
    """Improvements (10.1-10.3): nonconformities, corrective and improvement actions."""

    name = "improvements"
    verbose_name = _("Improvements")
