from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Records (7.5): users, roles, email, history and voiding helpers, registries."""

    name = "core"
    verbose_name = _("Core")
