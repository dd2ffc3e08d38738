from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QmsConfig(AppConfig):
    """System level (5.1, 5.2, 6.1, 6.2, 7.2, 7.3, 9.3): policy, objectives, reviews, packs."""

    name = "qms"
    verbose_name = _("Quality management system")
