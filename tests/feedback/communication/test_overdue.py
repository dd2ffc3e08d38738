"""Overdue planned communications: flagged, their responsible person emailed once per
due date (by beat, or the command by hand), and listed on the quality manager's home
page."""

from io import StringIO

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from core.models import OutboundEmail
from core.roles import Role
from customers.register.selectors import CONTACT_FIGURES_KEY
from feedback.communication import services
from feedback.communication.tasks import remind_overdue_communications
from feedback.models import PlanRow
from tests.factories import UserFactory
from tests.feedback.communication.factories import (
    CommunicationFactory,
    PlanRowFactory,
    approve,
    days_from_today,
    in_force,
)
from tests.queries import Pin, assert_pinned


def reminders():
    return OutboundEmail.objects.filter(purpose="communication overdue")


@pytest.mark.django_db
def test_each_overdue_row_emails_its_responsible_person_once_per_due_date():
    person = UserFactory(role=Role.STAFF, email="priya@example.com")
    row = in_force(subject="Monthly call", responsible=person, next_due=days_from_today(-2))
    in_force(subject="Not due yet", next_due=days_from_today(5))
    PlanRowFactory(subject="Draft only", next_due=days_from_today(-9))

    assert services.plan_remind_overdue() == 1
    assert services.plan_remind_overdue() == 0

    email = reminders().get()
    assert email.recipient == "priya@example.com"
    assert "Monthly call" in email.subject
    assert row.get_absolute_url() in email.body_text
    assert email.related == PlanRow.objects.get(pk=row.pk)
    # A new due date that passes again reminds again, once.
    PlanRow.objects.filter(pk=row.pk).update(next_due=days_from_today(-1))
    assert services.plan_remind_overdue() == 1
    assert services.plan_remind_overdue() == 0
    assert reminders().count() == 2


@pytest.mark.django_db
def test_the_reminder_goes_to_whoever_the_plan_in_force_names():
    named = UserFactory(role=Role.STAFF)
    row = in_force(responsible=named, next_due=days_from_today(-2))
    row.responsible = UserFactory(role=Role.STAFF)
    services.plan_row_save(row=row, by=named)  # a draft change, not approved yet

    services.plan_remind_overdue()

    assert reminders().get().recipient == named.email


@pytest.mark.django_db
def test_a_fulfilled_row_is_no_longer_overdue_or_reminded():
    row = in_force(next_due=days_from_today(-2))
    CommunicationFactory(customer=None, contact=None, audience="staff", plan_row=row)

    assert services.plan_remind_overdue() == 0
    assert not PlanRow.objects.overdue().exists()


@pytest.mark.django_db
def test_the_command_runs_the_same_job():
    in_force(next_due=days_from_today(-2))
    out = StringIO()

    call_command("remind_overdue_communications", stdout=out)
    call_command("remind_overdue_communications", stdout=out)

    assert out.getvalue().splitlines() == ["1 reminder(s) queued.", "0 reminder(s) queued."]
    assert reminders().get().created_actor == "command remind_overdue_communications"


def test_beat_runs_the_job_hourly():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == remind_overdue_communications.name
    )
    assert entry["schedule"] == 3600.0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_once_however_often_the_job_runs(celery_worker, wait_for):
    in_force(next_due=days_from_today(-4))
    runs = []

    def count(sender=None, **kwargs):
        if sender is not None and sender.name == remind_overdue_communications.name:
            runs.append(kwargs.get("retval"))

    task_postrun.connect(count, weak=False)
    try:
        remind_overdue_communications.delay()
        remind_overdue_communications.delay()
        wait_for(lambda: len(runs) == 2, what="the worker to run the job twice")
    finally:
        task_postrun.disconnect(count)

    assert sorted(runs) == [0, 1]
    assert reminders().count() == 1
    wait_for(
        lambda: reminders().filter(state=OutboundEmail.State.SENT).exists(),
        what="the worker to send the reminder",
    )


@pytest.mark.django_db
def test_the_quality_managers_home_page_lists_overdue_rows(client):
    in_force(subject="Quarterly review with Acme", next_due=days_from_today(-3))
    in_force(subject="Not yet", next_due=days_from_today(3))
    client.force_login(UserFactory(role=Role.QUALITY_MANAGER))

    body = client.get(reverse("home")).content.decode()

    assert "Planned communications overdue" in body
    assert "Quarterly review with Acme" in body
    assert "Not yet" not in body
    client.force_login(UserFactory(role=Role.AUDITOR))
    assert "Planned communications overdue" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAFF, Role.TOP_MANAGEMENT], ids=str)
def test_the_person_responsible_sees_their_own_overdue_rows_at_home(client, role):
    person = UserFactory(role=role)
    in_force(subject="Their monthly call", responsible=person, next_due=days_from_today(-3))
    in_force(subject="Someone else's call", next_due=days_from_today(-3))
    client.force_login(person)

    body = client.get(reverse("home")).content.decode()

    assert "Planned communications overdue" in body
    assert "Their monthly call" in body
    assert "Someone else&#x27;s call" not in body
    assert "Someone else's call" not in body


def _own_overdue_rows(count, user):
    for _ in range(count):
        PlanRowFactory(responsible=user, next_due=days_from_today(-3))
        PlanRowFactory(next_due=days_from_today(-3))
    approve()
    cache.delete(CONTACT_FIGURES_KEY)


@pytest.mark.django_db
def test_a_staff_home_page_makes_as_many_queries_for_30_own_overdue_rows_as_for_3(
    client, django_assert_num_queries
):
    # tests/core/test_home_queries.py's staff pin: this panel's query is one of them.
    pin = Pin("home", _own_overdue_rows, 13)
    assert_pinned(client, UserFactory(role=Role.STAFF), django_assert_num_queries, pin)


def _overdue_rows(count, user):
    for _ in range(count):
        PlanRowFactory(next_due=days_from_today(-3))
    approve(user)
    # The home page counts the contact figures when none are kept: pin that page view.
    cache.delete(CONTACT_FIGURES_KEY)


@pytest.mark.django_db
def test_the_home_page_makes_as_many_queries_for_30_overdue_rows_as_for_3(
    client, django_assert_num_queries
):
    # The home page's own (tests/core/test_home_queries.py), incl. this panel's one.
    pin = Pin("home", _overdue_rows, 15)
    assert_pinned(client, UserFactory(role=Role.QUALITY_MANAGER), django_assert_num_queries, pin)
