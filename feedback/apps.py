from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Feedback (7.4, 8.2.1): communication, complaints, follow-ups."""

    name = "feedback"
    verbose_name = _("Feedback")
    # Loaded by `manage.py load_demo` after the customers' demo, in this order.
    demo_modules = ("feedback.communication.demo", "feedback.complaints.demo")

    def ready(self) -> None:
        # Each register fills the registries (navigation, home panels, timeline,
        # search, choosers, personal data) and connects its signals in its own hook.
        from feedback.communication import hooks as communication  # noqa: PLC0415
        from feedback.complaints import hooks as complaints  # noqa: PLC0415
        from feedback.public import hooks as public  # noqa: PLC0415

        communication.register()
        complaints.register()
        public.register()
