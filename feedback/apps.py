from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Feedback (7.4, 8.2.1): communication, complaints, follow-ups."""

    name = "feedback"
    verbose_name = _("Feedback")
