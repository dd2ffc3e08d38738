import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.erasure import Pseudonyms
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


def admin_log_erase(*, records: Sequence[tuple[models.Model, str]], pseudonyms: Pseudonyms) -> int:
    """Pseudonymise an erased person in the admin's log of actions; return the rows changed.

    Each of ``records`` (the contact, a single-person customer) is named in the log as
    the given pseudonym, whatever it was called when the entry was written; any other
    entry that mentions the person (an inline's name in a change message, a record
    whose name holds their address) is scrubbed. The log is Django's, outside history.
    """
    names: dict[tuple[int, str], str] = {
        (
            ContentType.objects.get_for_model(record, for_concrete_model=False).pk,
            str(record.pk),
        ): name
        for record, name in records
    }
    own = Q(pk__in=[])
    for content_type_id, object_id in names:
        own |= Q(content_type_id=content_type_id, object_id=object_id)
    mentions = Q(pk__in=[])
    for identifier in pseudonyms.identifiers:
        # Change messages are JSON, which writes letters beyond ASCII as \u escapes.
        escaped = json.dumps(identifier)[1:-1]
        mentions |= (
            Q(object_repr__icontains=identifier)
            | Q(change_message__icontains=identifier)
            | Q(change_message__icontains=escaped)
        )
    changed = 0
    for entry in LogEntry.objects.filter(own | mentions).only(
        "content_type_id", "object_id", "object_repr", "change_message"
    ):
        own_name = names.get((entry.content_type_id or 0, entry.object_id or ""))
        object_repr = own_name if own_name is not None else pseudonyms.scrub(entry.object_repr)
        change_message = pseudonyms.scrub_json_text(entry.change_message)
        if (object_repr, change_message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=object_repr[:200], change_message=change_message
            )
            changed += 1
    return changed
