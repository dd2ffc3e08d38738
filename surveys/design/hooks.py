"""What the design register adds to the lower apps' registries, called from
SurveysConfig.ready(), and the installing of the built-in questionnaires after migrate."""

from typing import Any

from django.apps import AppConfig
from django.core.exceptions import FieldDoesNotExist
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_builtins_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    """Install the built-in questionnaires once the surveys tables are migrated.

    Skipped when the state migrated to has no design tables as this code knows them
    (the surveys app migrated back, or not yet to ``0002_design``).
    """
    state = kwargs.get("apps")
    if state is not None:
        try:
            state.get_model("surveys", "QuestionnaireVersion")._meta.get_field("approved_actor")
        except (LookupError, FieldDoesNotExist):
            return
    from surveys.design.builtin import builtin_install  # noqa: PLC0415 - models are ready now

    builtin_install()


def register() -> None:
    """Fill the registries and connect the signals this register needs."""
    from django.apps import apps  # noqa: PLC0415

    from core.registries import NavItem, navigation  # noqa: PLC0415

    navigation.register(
        NavItem(
            key="surveys.design",
            label=_("Surveys"),
            url_name="surveys:questionnaire_list",
            permission="surveys.view_questionnaire",
            order=25,
            section_url_names=("surveys:invitation_list", "surveys:response_list"),
            description=_(
                "Questionnaires and their approved versions, the invitations sent with "
                "them and the responses that came back (clause 9.1.2)."
            ),
        )
    )
    post_migrate.connect(
        install_builtins_after_migrate,
        sender=apps.get_app_config("surveys"),
        dispatch_uid="surveys.design.builtins",
    )
