import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from core.records import RecordDeletionRefusedError, RecordLockedError, TransitionNotAllowedError
from core.services import record_void
from tests.factories import WidgetFactory, WidgetPartFactory
from tests.testapp.models import Widget

pytestmark = pytest.mark.django_db


def test_a_record_others_point_to_cannot_be_deleted():
    part = WidgetPartFactory()

    with pytest.raises(ProtectedError):
        Widget.objects.filter(pk=part.widget.pk).delete()
    with pytest.raises(RecordDeletionRefusedError):
        part.widget.delete()
    assert Widget.objects.filter(pk=part.widget.pk).exists()


def test_a_record_is_voided_with_a_reason_and_stays(quality_manager):
    widget = WidgetPartFactory().widget

    record_void(record=widget, by=quality_manager, reason="Entered twice")

    widget.refresh_from_db()
    assert widget.is_voided
    assert (widget.voided_by, widget.void_reason) == (quality_manager, "Entered twice")
    assert Widget.objects.active().count() == 0
    assert Widget.objects.voided().get() == widget
    latest = widget.history.first()
    assert latest.history_change_reason == "Voided: Entered twice"
    assert latest.history_user == quality_manager


def test_voiding_needs_a_reason_and_changes_nothing_without_one(quality_manager):
    widget = WidgetFactory()

    with pytest.raises(ValidationError, match="Say why"):
        record_void(record=widget, by=quality_manager, reason="   ")

    widget.refresh_from_db()
    assert not widget.is_voided
    assert widget.history.count() == 1


def test_a_voided_record_refuses_edits_and_a_second_void(quality_manager):
    widget = WidgetFactory()
    record_void(record=widget, by=quality_manager, reason="Duplicate")
    widget = Widget.objects.get(pk=widget.pk)

    widget.name = "changed"
    with pytest.raises(RecordLockedError):
        widget.save()
    with pytest.raises(ValidationError, match="already voided"):
        record_void(record=Widget.objects.get(pk=widget.pk), by=quality_manager, reason="Again")


def test_a_voided_record_shows_as_voided_on_its_page(client, quality_manager):
    widget = WidgetFactory()
    record_void(record=widget, by=quality_manager, reason="Entered twice")
    client.force_login(quality_manager)

    html = client.get(f"/testapp/widgets/{widget.pk}/").content.decode()

    assert "Voided" in html
    assert "Entered twice" in html
    assert "Inspect this widget" not in html


def test_a_closed_record_is_locked_until_its_workflow_reopens_it():
    widget = WidgetFactory(name="Pump")
    widget.set_status(Widget.Status.CLOSED, reason="Done")
    widget.save()
    widget = Widget.objects.get(pk=widget.pk)

    assert widget.is_locked
    widget.name = "Edited while closed"
    with pytest.raises(RecordLockedError, match="reopen it first"):
        widget.save()

    widget = Widget.objects.get(pk=widget.pk)
    widget.set_status(Widget.Status.OPEN, reason="Customer came back")
    widget.save()
    widget.name = "Edited after reopening"
    widget.save()
    assert Widget.objects.get(pk=widget.pk).name == "Edited after reopening"
    reasons = list(widget.history.values_list("history_change_reason", flat=True))
    assert "Customer came back" in reasons


def test_a_move_outside_the_transition_table_is_refused_with_a_readable_message():
    widget = WidgetFactory()

    with pytest.raises(TransitionNotAllowedError, match="is open cannot be made open"):
        widget.set_status(Widget.Status.OPEN)


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [("open", "closed", True), ("closed", "open", True), ("open", "open", False)],
)
def test_the_transition_table(start, target, allowed):
    assert (target in Widget(status=start).allowed_transitions()) is allowed
