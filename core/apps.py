import json
from collections.abc import Iterator
from typing import Any

from django.apps import AppConfig, apps
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    # post_migrate is sent once per app; permissions exist for all of them only after
    # the last one, so the roles are synced then.
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender.label == last.label:
        from core.services import roles_sync  # noqa: PLC0415 - models are ready only now

        roles_sync()


def sessions_decoded() -> Iterator[tuple[str, str]]:
    """Return each stored session's data, decoded, for a search for personal data."""
    from django.contrib.sessions.models import Session  # noqa: PLC0415

    for session in Session.objects.iterator():
        yield f"session {session.pk[:8]}…", json.dumps(session.get_decoded(), ensure_ascii=False)


class CoreConfig(AppConfig):
    """Records (7.5): users, roles, email, history and voiding helpers, registries."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun  # noqa: PLC0415
        from simple_history.signals import pre_create_historical_record  # noqa: PLC0415

        from core import choosers, history, home  # noqa: PLC0415
        from core.registries import PersonalDataPlace, personal_data  # noqa: PLC0415

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="core.sync_roles")
        pre_create_historical_record.connect(history.stamp_actor, dispatch_uid="core.actor")
        task_prerun.connect(history.task_started, dispatch_uid="core.task_actor", weak=False)
        task_postrun.connect(history.task_finished, dispatch_uid="core.task_done", weak=False)
        home.register()
        choosers.register_people()
        personal_data.register(
            PersonalDataPlace(
                key="core.sessions",
                why=_("Session data is signed and encoded; the search reads it decoded."),
                read=sessions_decoded,
            )
        )


class SuperuserAdminConfig(AdminConfig):
    """The Django admin, open to superusers only."""

    default_site = "core.admin_site.SuperuserAdminSite"
