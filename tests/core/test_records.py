import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from core.records import (
    RecordDeletionRefusedError,
    RecordLockedError,
    TransitionNotAllowedError,
    status_changed,
)
from core.services import record_void
from tests.factories import WidgetFactory, WidgetPartFactory
from tests.testapp.models import Widget

pytestmark = pytest.mark.django_db


@pytest.fixture
def moves():
    """Collect what status_changed announces, one dict of keyword arguments per move."""
    received = []

    def receive(signal, **kwargs):
        received.append(kwargs)

    status_changed.connect(receive, weak=False)
    yield received
    status_changed.disconnect(receive)


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


# Announcing moves --------------------------------------------------------------


def test_a_saved_move_is_announced_once_after_commit_with_who_and_why(
    quality_manager, moves, django_capture_on_commit_callbacks
):
    widget = WidgetFactory()

    with django_capture_on_commit_callbacks(execute=True):
        widget.set_status(Widget.Status.CLOSED, by=quality_manager, reason="Done")
        widget.save()
        assert moves == []

    assert moves == [
        {
            "sender": Widget,
            "instance": widget,
            "old": "open",
            "new": "closed",
            "by": quality_manager,
            "reason": "Done",
        }
    ]
    latest = widget.history.first()
    assert (latest.history_user, latest.history_change_reason) == (quality_manager, "Done")


def test_a_move_by_a_task_or_command_is_announced_without_a_user(
    moves, django_capture_on_commit_callbacks
):
    widget = WidgetFactory()

    with django_capture_on_commit_callbacks(execute=True):
        widget.set_status(Widget.Status.CLOSED)
        widget.save()

    assert [(m["old"], m["new"], m["by"], m["reason"]) for m in moves] == [
        ("open", "closed", None, "")
    ]


def test_creating_a_record_announces_nothing_whatever_its_status(
    moves, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        WidgetFactory(status=Widget.Status.CLOSED)
        new = Widget(name="Valve")
        new.move_to(Widget.Status.CLOSED, stored=None)
        new.save()

    assert callbacks == []
    assert moves == []


def test_saving_without_a_move_announces_nothing(moves, django_capture_on_commit_callbacks):
    widget = Widget.objects.get(pk=WidgetFactory().pk)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        widget.name = "Renamed"
        widget.save()
        widget.save()

    assert callbacks == []
    assert moves == []


def test_a_record_saved_several_times_in_one_transaction_announces_each_move_once(
    quality_manager, moves, django_capture_on_commit_callbacks
):
    widget = WidgetFactory()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        widget.name = "Edited before closing"
        widget.save()
        widget.set_status(Widget.Status.CLOSED, by=quality_manager, reason="Done")
        widget.save()
        widget.set_status(Widget.Status.OPEN, reason="Customer came back")
        widget.save()
        widget.save()
        widget.name = "Edited after reopening"
        widget.save()

    assert [(m["old"], m["new"], m["reason"]) for m in moves] == [
        ("open", "closed", "Done"),
        ("closed", "open", "Customer came back"),
    ]


def test_a_rolled_back_move_announces_nothing(moves, django_capture_on_commit_callbacks):
    widget = WidgetFactory()

    def close_then_fail():
        with transaction.atomic():
            widget.set_status(Widget.Status.CLOSED)
            widget.save()
            raise RuntimeError("the rest of the service failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        close_then_fail()

    assert callbacks == []
    assert moves == []
    assert Widget.objects.get(pk=widget.pk).status == Widget.Status.OPEN


@pytest.mark.django_db(transaction=True)
def test_a_move_is_announced_only_once_the_transaction_commits(moves):
    widget = WidgetFactory()

    with transaction.atomic():
        widget.set_status(Widget.Status.CLOSED)
        widget.save()
        assert moves == []

    assert [(m["old"], m["new"]) for m in moves] == [("open", "closed")]


def test_a_forbidden_move_is_refused_with_its_message_and_announces_nothing(
    moves, django_capture_on_commit_callbacks
):
    widget = WidgetFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(TransitionNotAllowedError, match="is open cannot be made open"):
            widget.set_status(Widget.Status.OPEN, reason="Again")
        widget.save()

    assert callbacks == []
    assert moves == []
    assert widget.history.first().history_change_reason is None


def test_a_move_made_by_a_form_is_announced_and_a_forbidden_one_is_a_field_error(
    quality_manager, moves, django_capture_on_commit_callbacks
):
    widget = WidgetFactory()
    # The form put the status it was sent on the instance; the service passes the stored one.
    widget.status = Widget.Status.CLOSED

    with django_capture_on_commit_callbacks(execute=True):
        widget.move_to(Widget.Status.CLOSED, stored="open", by=quality_manager, reason="Done")
        widget.save()

    assert [(m["old"], m["new"], m["by"], m["reason"]) for m in moves] == [
        ("open", "closed", quality_manager, "Done")
    ]
    with pytest.raises(ValidationError) as refused:
        widget.move_to("nowhere", stored="closed")
    assert "status" in refused.value.message_dict


def test_the_announced_old_status_is_the_one_stored_before_the_move(
    moves, django_capture_on_commit_callbacks
):
    widget = WidgetFactory()
    elsewhere = Widget.objects.get(pk=widget.pk)
    elsewhere.set_status(Widget.Status.CLOSED)
    elsewhere.save()

    with django_capture_on_commit_callbacks(execute=True):
        widget.refresh_from_db()
        widget.set_status(Widget.Status.OPEN)
        widget.save()
        # A form's instance, loaded before another request closed the record.
        stale = Widget.objects.get(pk=widget.pk)
        Widget.objects.filter(pk=widget.pk).update(status=Widget.Status.CLOSED)
        stale.move_to(Widget.Status.OPEN, stored=Widget.Status.CLOSED)
        stale.save()

    assert [(m["old"], m["new"]) for m in moves] == [("closed", "open"), ("closed", "open")]


def test_a_save_that_leaves_the_status_out_announces_the_move_when_it_is_written(
    moves, django_capture_on_commit_callbacks
):
    widget = WidgetFactory()

    with django_capture_on_commit_callbacks(execute=True):
        widget.set_status(Widget.Status.CLOSED)
        widget.name = "Renamed"
        widget.save(update_fields=["name"])
        assert Widget.objects.get(pk=widget.pk).status == Widget.Status.OPEN
        widget.save()

    assert [(m["old"], m["new"]) for m in moves] == [("open", "closed")]
