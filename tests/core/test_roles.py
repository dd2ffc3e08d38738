import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from core import roles
from core.roles import ROLE_MAP, Role, grants, mapped_permissions, permissions_of
from core.services import roles_sync

pytestmark = pytest.mark.django_db


def installed_permissions() -> set[tuple[str, str]]:
    return set(Permission.objects.values_list("content_type__app_label", "codename"))


def test_every_installed_permission_is_in_the_role_map():
    missing = sorted(f"{a}.{c}" for a, c in installed_permissions() - mapped_permissions())

    assert not missing, f"add these to core/roles.py (NOBODY where no role needs them): {missing}"


def test_role_map_names_no_permission_that_does_not_exist():
    unknown = sorted(f"{a}.{c}" for a, c in mapped_permissions() - installed_permissions())

    assert not unknown


def test_auditor_holds_view_permissions_only():
    codenames = [codename for _, codename in permissions_of(Role.AUDITOR)]

    assert codenames
    assert all(codename.startswith("view_") for codename in codenames)


def test_a_write_permission_for_auditors_is_refused(monkeypatch):
    monkeypatch.setitem(ROLE_MAP, "core.user", grants(view={roles.AU}, change={roles.AU}))

    with pytest.raises(ImproperlyConfigured, match="auditors hold view permissions only"):
        roles_sync()


def test_migrate_leaves_each_role_with_exactly_its_mapped_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        held = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert held == permissions_of(role), role


def test_sync_roles_is_idempotent_and_repairs_drift(capsys):
    auditors = Group.objects.get(name=Role.AUDITOR.value)
    auditors.permissions.add(Permission.objects.get(codename="delete_user"))

    call_command("sync_roles")
    call_command("sync_roles")

    held = set(auditors.permissions.values_list("content_type__app_label", "codename"))
    assert held == permissions_of(Role.AUDITOR)
    assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)
    assert "Auditor:" in capsys.readouterr().out


def test_sync_reports_permissions_missing_from_the_map(monkeypatch):
    monkeypatch.delitem(ROLE_MAP, "core.heartbeat")

    report = roles_sync()

    assert "core.view_heartbeat" in report.unmapped
