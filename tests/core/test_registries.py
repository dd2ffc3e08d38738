"""A higher app (the test app) fills core's registries; core's pages show the entries."""

import pytest

from core.registries import NavItem, Registry, actions_for, timeline_for
from core.roles import Role
from tests.factories import UserFactory, WidgetFactory

pytestmark = pytest.mark.django_db


def test_a_registered_home_panel_and_menu_entry_show_on_the_home_page(client, quality_manager):
    client.force_login(quality_manager)

    html = client.get("/").content.decode()

    assert "Widgets to inspect" in html
    assert "3 widgets wait for inspection." in html
    assert 'href="/testapp/widgets/"' in html
    assert "Widgets the test app keeps." in html


def test_entries_are_shown_only_to_roles_with_their_permission(client):
    client.force_login(UserFactory(role=Role.STAFF))

    html = client.get("/").content.decode()

    assert "Widgets to inspect" not in html
    assert 'href="/testapp/widgets/"' in html


def test_a_registered_record_action_shows_on_the_record_page(client, quality_manager):
    widget = WidgetFactory()
    client.force_login(quality_manager)

    html = client.get(f"/testapp/widgets/{widget.pk}/").content.decode()

    assert "Inspect this widget" in html


def test_record_actions_follow_permission_and_condition(quality_manager):
    staff = UserFactory(role=Role.STAFF)
    widget = WidgetFactory()

    assert [label for label, _ in actions_for(widget, quality_manager)] == ["Inspect this widget"]
    assert actions_for(widget, staff) == []
    widget.set_status("closed")
    widget.save()
    assert actions_for(widget, quality_manager) == []


def test_timeline_collects_entries_from_every_source_newest_first(quality_manager):
    widget = WidgetFactory(name="First")
    widget.name = "Second"
    widget.save()

    entries = timeline_for(widget, quality_manager)

    assert [entry.title for entry in entries] == ["Widget Second", "Widget First"]
    assert timeline_for(widget, UserFactory()) == []


def test_a_key_is_registered_once():
    registry: Registry[NavItem] = Registry("test")
    registry.register(NavItem(key="a", label="A", url_name="home"))

    with pytest.raises(ValueError, match="already"):
        registry.register(NavItem(key="a", label="A again", url_name="home"))
