import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import models

from core.history import (
    HistoryImmutableError,
    _json_changes,
    bulk_create_with_history,
    system_actor,
)
from core.models import User
from tests.factories import UserFactory, WidgetFactory
from tests.testapp.models import Widget
from tests.testapp.tasks import rename_widget

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True, full_name="Ada Admin")


def test_a_change_made_in_a_request_writes_a_history_row_naming_the_user(client, superuser):
    widget = WidgetFactory(name="Pump")
    client.force_login(superuser)

    response = client.post(
        f"/admin/testapp/widget/{widget.pk}/change/", {"name": "Pump 2", "status": "open"}
    )

    assert response.status_code == 302
    latest = widget.history.first()
    assert (latest.name, latest.history_type, latest.history_user) == ("Pump 2", "~", superuser)
    assert latest.actor_label == "Ada Admin"


def test_a_change_made_by_a_task_names_the_task():
    widget = WidgetFactory(name="Pump")

    rename_widget.apply(args=[widget.pk, "Renamed by task"])

    latest = widget.history.first()
    assert latest.name == "Renamed by task"
    assert latest.history_user is None
    assert latest.history_actor == "task tests.testapp.tasks.rename_widget"


def test_a_change_made_by_a_command_names_the_command():
    call_command("load_demo", force=True)

    row = User.history.filter(email="quality@example.com").get()
    assert row.history_actor == "command load_demo"


def test_bulk_writes_record_history_with_the_actor():
    with system_actor("import widgets.csv"):
        bulk_create_with_history([Widget(name="A"), Widget(name="B")], Widget)

    rows = Widget.history.order_by("name")
    assert [(r.name, r.history_type, r.history_actor) for r in rows] == [
        ("A", "+", "import widgets.csv"),
        ("B", "+", "import widgets.csv"),
    ]


def test_history_rows_cannot_be_changed_or_deleted():
    widget = WidgetFactory()
    row = widget.history.get()

    row.name = "rewritten"
    with pytest.raises(HistoryImmutableError):
        row.save()
    with pytest.raises(HistoryImmutableError):
        row.delete()
    assert widget.history.get().name == widget.name


def test_the_admin_registers_no_history_model_and_never_reverts(client, superuser):
    widget = WidgetFactory(name="Before")
    widget.name = "After"
    widget.save()
    old = widget.history.last()
    client.force_login(superuser)

    registered = [model._meta.model_name for model in admin.site._registry]
    assert not [name for name in registered if name.startswith("historical")]
    page = client.get(f"/admin/testapp/widget/{widget.pk}/history/{old.history_id}/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    revert = client.post(
        f"/admin/testapp/widget/{widget.pk}/history/{old.history_id}/",
        {"name": "Before", "status": "open"},
    )
    assert revert.status_code == 403
    widget.refresh_from_db()
    assert widget.name == "After"
    assert widget.history.count() == 2


def test_the_history_partial_shows_who_changed_what(client, quality_manager):
    widget = WidgetFactory(name="Pump")
    widget._history_user = quality_manager
    widget.name = "Pump 2"
    widget.save()
    client.force_login(quality_manager)

    html = client.get(f"/testapp/widgets/{widget.pk}/").content.decode()

    assert "History" in html
    assert str(quality_manager) in html
    assert "<del>Pump</del>" in html
    assert "<ins>Pump 2</ins>" in html


def test_a_save_that_changes_nothing_writes_no_history_row():
    widget = WidgetFactory(name="Pump")

    Widget.objects.get(pk=widget.pk).save()
    again = Widget.objects.get(pk=widget.pk)
    again.name = "Pump"
    again.save()

    assert [r.history_type for r in widget.history.all()] == ["+"]


def test_a_save_that_changes_a_field_still_writes_its_row():
    widget = WidgetFactory(name="Pump")

    widget.name = "Pump 2"
    widget.save()
    widget.save()

    assert [(r.name, r.history_type) for r in widget.history.all()] == [
        ("Pump 2", "~"),
        ("Pump", "+"),
    ]


def test_a_json_change_shows_one_line_per_value_that_changed():
    field = models.JSONField(verbose_name="texts")
    old = {"en": {"title": "Pulse", "intro": "Hi"}, "hi": {"title": "नब्ज़"}}
    new = {"en": {"title": "Pulse survey", "intro": "Hi"}, "hi": {}, "xx": [{"code": "a"}]}
    assert _json_changes(field, old, new) == [
        {"field": "texts en title", "old": "Pulse", "new": "Pulse survey"},
        {"field": "texts hi title", "old": "नब्ज़", "new": "—"},
        {"field": "texts xx 1 code", "old": "—", "new": "a"},
    ]
