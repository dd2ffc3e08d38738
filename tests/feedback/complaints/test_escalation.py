"""The escalation job: overdue open complaints and follow-ups are escalated to their
owner and the quality managers, again only after the repeat period."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core import tasks as core_tasks
from core.models import Heartbeat, OutboundEmail
from core.roles import Role
from feedback.complaints import tasks
from feedback.models import FeedbackItem
from tests.factories import UserFactory
from tests.feedback.factories import FeedbackItemFactory

START = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
Kind, Status = FeedbackItem.Kind, FeedbackItem.Status


def overdue_world():
    manager = UserFactory(role=Role.QUALITY_MANAGER)
    owner = UserFactory(role=Role.STAFF)
    late = START - timedelta(days=1)
    complaint = FeedbackItemFactory(owner=owner, due_at=late, status=Status.ASSESSED)
    follow_up = FeedbackItemFactory(kind=Kind.FOLLOW_UP, owner=None, due_at=late)
    # Not escalated: closed, voided, a suggestion, due later.
    FeedbackItemFactory(owner=owner, due_at=late, status=Status.CLOSED)
    FeedbackItemFactory(owner=owner, due_at=late, voided_at=START)
    FeedbackItemFactory(kind=Kind.SUGGESTION, owner=owner, due_at=late)
    FeedbackItemFactory(owner=owner, due_at=START + timedelta(days=1))
    return manager, owner, complaint, follow_up


def escalation_emails():
    return sorted(
        OutboundEmail.objects.filter(purpose="complaint escalation").values_list(
            "recipient", "object_id"
        )
    )


@pytest.mark.django_db
def test_overdue_items_are_escalated_once_per_repeat_period(settings):
    settings.ESCALATION_REPEAT_HOURS = 24
    with time_machine.travel(START, tick=False) as clock:
        manager, owner, complaint, follow_up = overdue_world()
        out = StringIO()
        call_command("escalate_overdue_feedback", stdout=out)
        assert out.getvalue().strip() == "2 item(s) escalated."
        assert escalation_emails() == sorted(
            [
                (owner.email, str(complaint.pk)),
                (manager.email, str(complaint.pk)),
                (manager.email, str(follow_up.pk)),
            ]
        )
        # Run again at once, and just before the repeat period: nothing more.
        call_command("escalate_overdue_feedback", stdout=StringIO())
        clock.shift(timedelta(hours=23, minutes=59))
        call_command("escalate_overdue_feedback", stdout=StringIO())
        assert len(escalation_emails()) == 3
        clock.shift(timedelta(minutes=1))
        call_command("escalate_overdue_feedback", stdout=StringIO())
        assert len(escalation_emails()) == 6
    complaint.refresh_from_db()
    assert complaint.escalation_level == 2
    assert complaint.escalated_at == START + timedelta(hours=24)


@pytest.mark.django_db
def test_the_escalation_email_names_the_item_its_due_date_and_owner(settings):
    with time_machine.travel(START, tick=False):
        manager, owner, complaint, _ = overdue_world()
        call_command("escalate_overdue_feedback", stdout=StringIO())
    email = OutboundEmail.objects.get(recipient=manager.email, object_id=str(complaint.pk))
    assert complaint.reference in email.subject
    assert str(owner) in email.body_text
    assert complaint.get_absolute_url() in email.body_text


def test_the_beat_schedule_runs_the_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["escalate-overdue-feedback"]
    assert entry["task"] == tasks.escalate_overdue_feedback.name


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_escalates_and_running_twice_sends_nothing_twice(celery_worker, wait_for):
    _, _, complaint, _ = overdue_world_now()
    tasks.escalate_overdue_feedback.delay()
    wait_for(lambda: len(escalation_emails()) == 3, what="the worker to escalate two items")
    tasks.escalate_overdue_feedback.delay()
    tasks.escalate_overdue_feedback.delay()
    # The solo worker runs tasks in order: a heartbeat after them shows both ran.
    core_tasks.heartbeat.delay(name="after-escalations")
    wait_for(
        lambda: Heartbeat.objects.filter(name="after-escalations").exists(),
        what="the worker to run both escalations",
    )
    assert len(escalation_emails()) == 3
    assert FeedbackItem.objects.get(pk=complaint.pk).escalation_level == 1
    result = tasks.escalate_overdue_feedback.apply()
    assert result.get() == 0
    assert len(escalation_emails()) == 3


def overdue_world_now():
    manager = UserFactory(role=Role.QUALITY_MANAGER)
    owner = UserFactory(role=Role.STAFF)
    late = timezone.now() - timedelta(days=1)
    complaint = FeedbackItemFactory(owner=owner, due_at=late, status=Status.ASSESSED)
    follow_up = FeedbackItemFactory(kind=Kind.FOLLOW_UP, owner=None, due_at=late)
    return manager, owner, complaint, follow_up


@pytest.mark.django_db
def test_a_complaint_not_acknowledged_in_time_is_escalated_and_flagged(client):
    from feedback.complaints.selectors import complaint_counts  # noqa: PLC0415

    manager = UserFactory(role=Role.QUALITY_MANAGER)
    late = FeedbackItemFactory(
        owner=manager,
        received_at=START - timedelta(days=2),
        acknowledge_due_at=START - timedelta(days=1),
        due_at=START + timedelta(days=9),
    )
    FeedbackItemFactory(owner=manager, acknowledge_due_at=START + timedelta(hours=3))
    with time_machine.travel(START, tick=False):
        assert list(FeedbackItem.objects.acknowledgement_overdue()) == [late]
        assert complaint_counts()["acknowledgement_overdue"] == 1
        client.force_login(manager)
        url = reverse("feedback:item_list") + "?flag=acknowledgement_overdue"
        listed = client.get(url).content.decode()
        assert late.reference in listed
        assert listed.count("Acknowledgement overdue</span>") == 1
        assert (
            "Acknowledgement overdue</span>" in client.get(late.get_absolute_url()).content.decode()
        )
        assert tasks.escalate_overdue_feedback() == 1
    late.refresh_from_db()
    assert late.escalation_level == 1
    email = OutboundEmail.objects.get(purpose="complaint escalation")
    assert email.subject.startswith("Not acknowledged")
