import logging
from dataclasses import dataclass, field
from datetime import timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import attribute_change
from core.limits import check_length
from core.models import Heartbeat, User
from core.records import VoidableModel, lock_stored
from core.roles import DEFAULT_ACTIONS, ROLE_MAP, Role, mapped_permissions, permissions_of

logger = logging.getLogger(__name__)


@transaction.atomic
def heartbeat_record(*, name: str) -> Heartbeat:
    """Record that the named process is alive now."""
    beat, _ = Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
    return beat


@dataclass
class RoleSyncReport:
    granted: dict[str, int] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def role_map_check() -> None:
    """Raise ImproperlyConfigured if the map grants an auditor more than viewing."""
    for model_key, model_grants in ROLE_MAP.items():
        for action, roles in model_grants.items():
            if Role.AUDITOR in roles and action != "view":
                raise ImproperlyConfigured(
                    f"The role map grants Auditor '{action}' on {model_key}: "
                    "auditors hold view permissions only."
                )
            if action not in DEFAULT_ACTIONS and action.startswith(DEFAULT_ACTIONS):
                raise ImproperlyConfigured(
                    f"Write '{action.split('_')[0]}=' for {model_key}, not the codename."
                )


@transaction.atomic
def roles_sync() -> RoleSyncReport:
    """Make each role's group hold exactly the permissions the role map gives it.

    Idempotent: run after every migrate, so permissions of apps added later reach the
    roles. Permissions the map does not mention are granted to nobody and reported.
    """
    role_map_check()
    report = RoleSyncReport()
    existing = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    mapped = mapped_permissions()
    report.unmapped = sorted(f"{a}.{c}" for a, c in existing.keys() - mapped)
    report.unknown = sorted(f"{a}.{c}" for a, c in mapped - existing.keys())
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = [existing[perm] for perm in permissions_of(role) if perm in existing]
        group.permissions.set(wanted)
        report.granted[role.value] = len(wanted)
    if report.unmapped:
        logger.warning(
            "Permissions missing from core/roles.py, granted to nobody: %s",
            ", ".join(report.unmapped),
        )
    return report


def user_roles(user: User) -> list[Role]:
    """Return the roles the user holds, in the map's order."""
    names = {group.name for group in user.groups.all()}
    return [role for role in Role if role.value in names]


@transaction.atomic
def login_records_purge() -> int:
    """Delete login records older than LOGIN_RECORD_RETENTION_DAYS; return how many."""
    cutoff = timezone.now() - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)
    logins, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return logins + failures


@transaction.atomic
def record_void(*, record: VoidableModel, by: User, reason: str) -> VoidableModel:
    """Void a record with a reason: it stays, marked void, and refuses further edits."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is voided.")})
    check_length(reason, field="reason")
    if lock_stored(record).is_voided:
        raise ValidationError(_("This record is already voided."))
    record.voided_at = timezone.now()
    record.voided_by = by
    record.void_reason = reason
    record._voiding = True  # type: ignore[attr-defined]
    attribute_change(record, by=by, reason=_("Voided: %(reason)s") % {"reason": reason})
    record.save()
    return record
