"""A communication fulfils a planned row: the row lists it and its next due date moves
on by the frequency; voiding it moves the date back if nothing moved it since."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from feedback.communication import services
from feedback.communication.services import next_due_after
from feedback.models import PlanRow
from tests.factories import CustomerFactory, SegmentFactory, UserFactory
from tests.feedback.communication.factories import (
    CommunicationFactory,
    PlanRowFactory,
    days_from_today,
    in_force,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("due", "frequency", "fulfilled", "moved"),
    [
        # Early in the cycle, on the day, or late: one period on.
        (date(2026, 3, 10), "monthly", date(2026, 3, 1), date(2026, 4, 10)),
        (date(2026, 3, 10), "monthly", date(2026, 3, 10), date(2026, 4, 10)),
        (date(2026, 3, 10), "monthly", date(2026, 3, 15), date(2026, 4, 10)),
        # Months missed are not owed twice: on until after the fulfilment.
        (date(2026, 1, 10), "monthly", date(2026, 4, 20), date(2026, 5, 10)),
        # On or before the previous due date: an earlier cycle, nothing moves.
        (date(2026, 3, 10), "monthly", date(2026, 2, 10), None),
        (date(2026, 1, 31), "monthly", date(2026, 1, 20), date(2026, 2, 28)),
        (date(2026, 3, 10), "weekly", date(2026, 3, 9), date(2026, 3, 17)),
        (date(2026, 3, 10), "quarterly", date(2026, 3, 10), date(2026, 6, 10)),
        (date(2026, 3, 10), "half_yearly", date(2026, 3, 12), date(2026, 9, 10)),
        (date(2026, 3, 10), "yearly", date(2026, 2, 1), date(2027, 3, 10)),
        (date(2026, 3, 10), "on_event", date(2026, 3, 10), None),
    ],
)
def test_where_a_fulfilment_moves_the_next_due_date(due, frequency, fulfilled, moved):
    assert next_due_after(due, frequency, fulfilled) == moved


def test_a_logged_communication_fulfils_its_row_and_moves_it_on(client):
    customer = CustomerFactory()
    row = in_force(
        audience="customer", customer=customer, frequency="monthly", next_due=days_from_today(-3)
    )
    staff = UserFactory(role=Role.STAFF)
    client.force_login(staff)
    response = client.post(
        reverse("feedback:communication_create"),
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "direction": "out",
            "channel": "phone",
            "customer": str(customer.pk),
            "summary": "Monthly check-in",
            "plan_row": str(row.pk),
        },
    )
    assert response.status_code == 302

    row.refresh_from_db()
    assert row.next_due > timezone.localdate()
    assert not row.is_overdue
    page = client.get(row.get_absolute_url())
    assert [e.summary for e in page.context["fulfilled"]] == ["Monthly check-in"]
    assert "Monthly check-in" in page.content.decode()
    assert row.history.first().history_change_reason.startswith("Fulfilled by")


def test_voiding_the_fulfilment_moves_the_row_back(client):
    row = in_force(frequency="monthly", next_due=days_from_today(-3))
    manager = UserFactory(role=Role.QUALITY_MANAGER)
    entry = CommunicationFactory(customer=None, contact=None, audience="staff", plan_row=row)
    assert PlanRow.objects.get(pk=row.pk).next_due == entry.due_after

    services.communication_void(communication=entry, by=manager, reason="Did not happen")

    assert PlanRow.objects.get(pk=row.pk).next_due == days_from_today(-3)


def test_voiding_an_older_fulfilment_leaves_a_later_one_alone():
    row = in_force(frequency="monthly", next_due=days_from_today(-3))
    manager = UserFactory(role=Role.QUALITY_MANAGER)
    internal = {"customer": None, "contact": None, "audience": "staff", "plan_row": row}
    first = CommunicationFactory(**internal, occurred_at=timezone.now() - timedelta(days=2))
    later = CommunicationFactory(**internal, occurred_at=timezone.now())
    assert first.due_after < later.due_after

    services.communication_void(communication=first, by=manager, reason="Logged twice")

    assert PlanRow.objects.get(pk=row.pk).next_due == later.due_after


@pytest.mark.parametrize(
    ("planned", "logged", "message"),
    [
        ({"audience": "staff"}, {"with_customer": True}, "not with a customer"),
        ({"audience": "customers"}, {"with_customer": False}, "choose the customer"),
        ({"audience": "customer"}, {"with_customer": True}, "only"),
        ({"audience": "segment"}, {"with_customer": True}, "not in it"),
    ],
)
def test_a_communication_fulfils_only_a_row_planned_with_its_audience(planned, logged, message):
    if planned["audience"] == "customer":
        planned["customer"] = CustomerFactory()
    if planned["audience"] == "segment":
        planned["segment"] = SegmentFactory()
    row = in_force(**planned)
    fields = {"plan_row": row}
    if not logged["with_customer"]:
        fields.update(customer=None, contact=None, audience="staff")

    with pytest.raises(ValidationError) as refused:
        CommunicationFactory(**fields)

    assert message in " ".join(refused.value.message_dict["plan_row"])
    assert PlanRow.objects.get(pk=row.pk).next_due == row.next_due


def test_a_customer_in_the_segment_fulfils_a_segment_row():
    segment = SegmentFactory()
    customer = CustomerFactory()
    customer.segments.add(segment)
    row = in_force(audience="segment", segment=segment, frequency="quarterly")

    entry = CommunicationFactory(customer=customer, plan_row=row)

    assert entry.due_after is not None


def test_a_row_still_in_the_draft_cannot_be_fulfilled():
    row = PlanRowFactory()

    with pytest.raises(ValidationError, match="not in the plan in force"):
        CommunicationFactory(customer=None, contact=None, audience="staff", plan_row=row)
