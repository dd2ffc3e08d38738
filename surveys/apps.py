from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Surveys (9.1.2, 9.1.3): templates, campaigns, responses, results."""

    name = "surveys"
    verbose_name = _("Surveys")
    # Loaded by `manage.py load_demo` after the feedback app's demo.
    demo_modules = ("surveys.responses.demo",)

    def ready(self) -> None:
        # Each register fills the registries and connects its signals in its own hook.
        from surveys.campaigns import hooks as campaigns  # noqa: PLC0415
        from surveys.design import hooks as design  # noqa: PLC0415
        from surveys.responses import hooks as responses  # noqa: PLC0415

        design.register()
        campaigns.register()
        responses.register()
