"""The demo's communication plan and log: what a newcomer is meant to find."""

import pytest
from django.core.management import call_command

from core.models import OutboundEmail
from feedback.communication import selectors
from feedback.models import Communication, PlanRow, PlanVersion

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_plan_in_force_with_one_overdue_row_and_a_log_of_months():
    call_command("load_demo", force=True)
    call_command("load_demo", force=True)

    assert list(PlanVersion.objects.values_list("number", flat=True)) == [2, 1]
    assert PlanRow.objects.in_force().count() == 7
    assert [row.subject for row in selectors.overdue_rows()] == ["Account check-in call"]
    assert [change.kind for change in selectors.draft_changes()] == ["added"]
    channels = set(Communication.objects.values_list("channel", flat=True))
    assert {"phone", "meeting", "visit"} <= channels
    assert Communication.objects.filter(plan_row__isnull=False).count() >= 4
    assert Communication.objects.filter(customer__isnull=True).exists()
    assert OutboundEmail.objects.filter(purpose="communication overdue").count() == 1
    days = {c.occurred_at.date() for c in Communication.objects.all()}
    assert (max(days) - min(days)).days > 60
