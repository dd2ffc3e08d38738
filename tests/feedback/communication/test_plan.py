"""The communication plan as a controlled document: a draft, approved versions that
freeze its rows, the draft's changes against the plan in force, two versions side by
side, and the plan in force on any past date."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from feedback.communication import selectors, services
from feedback.models import PlanRow, PlanVersion
from tests.factories import CustomerFactory, SegmentFactory, UserFactory
from tests.feedback.communication.factories import PlanRowFactory, approve

pytestmark = pytest.mark.django_db

PLAN = reverse("feedback:plan")


@pytest.fixture
def manager(client):
    user = UserFactory(role=Role.QUALITY_MANAGER)
    client.force_login(user)
    return user


def row_data(**changes):
    data = {
        "subject": "Quality objectives and results",
        "audience": "staff",
        "frequency": "quarterly",
        "channel": "meeting",
        "responsible": "",
        "next_due": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "event": "",
        "notes": "",
        "segment": "",
        "customer": "",
    }
    return {**data, **changes}


def test_a_row_saved_is_a_draft_until_a_version_is_approved(client, manager):
    response = client.post(
        reverse("feedback:plan_row_create"), row_data(responsible=str(manager.pk))
    )
    row = PlanRow.objects.get()
    assert response.status_code == 302
    assert not row.is_in_force
    assert [change.kind for change in selectors.draft_changes()] == ["added"]

    response = client.post(
        reverse("feedback:plan_approve"), {"change_summary": "First plan, agreed in review."}
    )

    assert response.status_code == 302
    version = PlanVersion.objects.get()
    row.refresh_from_db()
    assert (version.number, version.approved_by, version.change_summary) == (
        1,
        manager,
        "First plan, agreed in review.",
    )
    assert row.in_force_as.version == version
    assert row.in_force_as.subject == "Quality objectives and results"
    assert selectors.draft_changes() == []


def test_approving_freezes_the_rows_and_a_later_change_waits_in_the_draft(manager):
    row = PlanRowFactory(subject="Newsletter", frequency="quarterly")
    first = approve(manager)

    row.frequency = "monthly"
    services.plan_row_save(row=row, by=manager)
    changes = selectors.draft_changes()

    assert [(c.kind, c.row.pk) for c in changes] == [("changed", row.pk)]
    assert [(str(d.label), d.old, d.new) for d in changes[0].diff] == [
        ("How often", "Quarterly", "Monthly")
    ]
    # The plan in force still says quarterly until the change is approved.
    assert PlanRow.objects.get(pk=row.pk).in_force_as.frequency == "quarterly"
    second = approve(manager, "Monthly now")
    assert second.number == 2
    assert PlanRow.objects.get(pk=row.pk).in_force_as.frequency == "monthly"
    assert [r.frequency for r in selectors.version_rows(first)] == ["quarterly"]


def test_approval_refuses_an_empty_change_and_a_missing_summary(manager):
    PlanRowFactory()
    approve(manager)

    with pytest.raises(ValidationError, match="draft is the plan in force"):
        approve(manager)
    with pytest.raises(ValidationError, match="what changed"):
        services.plan_approve(by=manager, change_summary="  ")
    assert PlanVersion.objects.count() == 1


def test_approval_needs_the_permission_in_the_service_too():
    PlanRowFactory()
    staff = UserFactory(role=Role.STAFF)

    with pytest.raises(ValidationError, match="approval permission"):
        services.plan_approve(by=staff, change_summary="Sneaky")
    assert not PlanVersion.objects.exists()


def test_top_management_approves_and_staff_and_auditors_may_not(client):
    PlanRowFactory()
    for role, status in ((Role.STAFF, 403), (Role.AUDITOR, 403)):
        client.force_login(UserFactory(role=role))
        assert (
            client.post(reverse("feedback:plan_approve"), {"change_summary": "x"}).status_code
            == status
        )
    client.force_login(UserFactory(role=Role.TOP_MANAGEMENT))
    assert (
        client.post(reverse("feedback:plan_approve"), {"change_summary": "ok"}).status_code == 302
    )
    assert PlanVersion.objects.count() == 1


def test_the_approve_page_shows_the_refusal_of_an_empty_change(client, manager):
    PlanRowFactory()
    approve(manager)

    response = client.post(reverse("feedback:plan_approve"), {"change_summary": "Again"})

    assert response.status_code == 200
    assert "draft is the plan in force" in response.content.decode()


def test_a_row_removed_in_the_draft_stays_in_force_until_approval(client, manager):
    row = PlanRowFactory(subject="Old briefing")
    keep = PlanRowFactory(subject="Kept briefing")
    approve(manager)

    client.post(reverse("feedback:plan_row_withdraw", args=[row.pk]), {"withdraw": "1"})
    row.refresh_from_db()
    assert row.withdrawn
    assert row.is_in_force
    assert [(c.kind, c.row.pk) for c in selectors.draft_changes()] == [("removed", row.pk)]

    approve(manager, "Briefing dropped")

    row.refresh_from_db()
    assert not row.is_in_force
    assert row.is_voided
    assert list(selectors.plan_rows_in_force()) == [PlanRow.objects.get(pk=keep.pk)]


def test_a_row_never_approved_is_voided_when_removed_and_can_be_kept_after_all(client, manager):
    draft = PlanRowFactory()
    client.post(reverse("feedback:plan_row_withdraw", args=[draft.pk]), {"withdraw": "1"})
    draft.refresh_from_db()
    assert draft.is_voided

    row = PlanRowFactory()
    approve(manager)
    client.post(reverse("feedback:plan_row_withdraw", args=[row.pk]), {"withdraw": "1"})
    client.post(reverse("feedback:plan_row_withdraw", args=[row.pk]), {"withdraw": "0"})
    row.refresh_from_db()
    assert not row.withdrawn
    assert selectors.draft_changes() == []


def test_an_edit_loaded_before_an_approval_does_not_undo_it(manager):
    row = PlanRowFactory()
    stale = PlanRow.objects.get(pk=row.pk)
    approve(manager)

    stale.subject = "Renamed"
    services.plan_row_save(row=stale, by=manager)

    row.refresh_from_db()
    assert row.is_in_force
    assert row.subject == "Renamed"


def test_the_plan_in_force_on_a_past_date(client, manager):
    start = timezone.now() - timedelta(days=100)
    with time_machine.travel(start, tick=False):
        PlanRowFactory(subject="Monthly call")
        approve(manager, "First")
    with time_machine.travel(start + timedelta(days=50), tick=False):
        PlanRowFactory(subject="Quarterly newsletter")
        approve(manager, "Second")
    day = timezone.localdate(start)

    before = client.get(PLAN, {"on": (day - timedelta(days=1)).isoformat()})
    first = client.get(PLAN, {"on": (day + timedelta(days=10)).isoformat()})
    now = client.get(PLAN, {"on": timezone.localdate().isoformat()})

    assert before.context["on_version"] is None
    assert "No version of the plan was in force" in before.content.decode()
    assert first.context["on_version"].number == 1
    assert [r.subject for r in first.context["on_rows"]] == ["Monthly call"]
    assert now.context["on_version"].number == 2
    assert [r.subject for r in now.context["on_rows"]] == ["Monthly call", "Quarterly newsletter"]


def test_two_versions_side_by_side(client, manager):
    row = PlanRowFactory(subject="Newsletter", channel="email")
    gone = PlanRowFactory(subject="Dropped")
    approve(manager, "First")
    row.channel = "newsletter"
    services.plan_row_save(row=row, by=manager)
    services.plan_row_withdraw(row=gone, by=manager)
    PlanRowFactory(subject="Added")
    approve(manager, "Second")

    response = client.get(PLAN, {"a": "1", "b": "2"})

    compared = {(item.kind, item.subject) for item in response.context["comparison"]}
    assert compared == {("changed", "Newsletter"), ("removed", "Dropped"), ("added", "Added")}
    changed = next(i for i in response.context["comparison"] if i.kind == "changed")
    assert [(d.old, d.new) for d in changed.diff if d.changed] == [("Email", "Newsletter")]


def test_a_row_names_one_audience_that_fits(manager):
    segment = SegmentFactory()
    with pytest.raises(ValidationError) as refused:
        PlanRowFactory(audience="segment")
    assert "segment" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        PlanRowFactory(audience="customer")
    assert "customer" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        PlanRowFactory(frequency="on_event", event="")
    assert "event" in refused.value.message_dict

    row = PlanRowFactory(audience="staff", segment=segment, customer=CustomerFactory())
    assert (row.segment, row.customer) == (None, None)
    event = PlanRowFactory(frequency="on_event", event="A recall")
    assert event.next_due is None


def test_the_plan_page_shows_the_plan_in_force_the_draft_and_the_versions(client, manager):
    PlanRowFactory(subject="In force row")
    approve(manager, "First approval")
    PlanRowFactory(subject="Draft row")

    body = client.get(PLAN).content.decode()

    assert "In force row" in body
    assert "Draft row" in body
    assert "First approval" in body
    assert reverse("feedback:plan_approve") in body


def test_auditors_read_the_plan_and_change_nothing(client):
    row = PlanRowFactory()
    client.force_login(UserFactory(role=Role.AUDITOR))

    assert client.get(PLAN).status_code == 200
    assert client.get(row.get_absolute_url()).status_code == 200
    assert client.get(reverse("feedback:plan_row_create")).status_code == 403
    assert client.get(reverse("feedback:plan_row_edit", args=[row.pk])).status_code == 403
    assert client.post(reverse("feedback:plan_row_withdraw", args=[row.pk])).status_code == 403


# The schedule is not the controlled text ---------------------------------------------


def test_the_draft_form_of_a_row_in_force_cannot_move_its_next_due_date(client, manager):
    row = PlanRowFactory(subject="Account check-in call", next_due=timezone.localdate())
    approve(manager)
    due = PlanRow.objects.get(pk=row.pk).next_due

    response = client.post(
        reverse("feedback:plan_row_edit", args=[row.pk]),
        row_data(
            subject="Account check-in call",
            responsible=str(row.responsible_id),
            frequency="monthly",
            next_due="2020-01-01",
        ),
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.next_due == due
    assert (
        "next_due"
        not in client.get(reverse("feedback:plan_row_edit", args=[row.pk])).context["form"].fields
    )


def test_a_new_row_refuses_a_first_due_date_in_the_past(client, manager):
    response = client.post(
        reverse("feedback:plan_row_create"),
        row_data(responsible=str(manager.pk), next_due="2020-01-01"),
    )

    assert response.status_code == 200
    assert "not 2020-01-01" in str(response.context["form"].errors["next_due"])
    assert not PlanRow.objects.exists()


def test_rescheduling_moves_the_due_date_with_its_reason_and_refuses_the_past(client, manager):
    row = PlanRowFactory(subject="Account check-in call")
    approve(manager)
    url = reverse("feedback:plan_row_reschedule", args=[row.pk])

    refused = client.post(url, {"next_due": "2020-01-01", "reason": "Holiday"})
    unexplained = client.post(url, {"next_due": days_ahead(40), "reason": ""})
    moved = client.post(
        url, {"next_due": days_ahead(40), "reason": "They asked for after the audit"}
    )

    assert refused.status_code == unexplained.status_code == 200
    assert "next_due" in refused.context["form"].errors
    assert moved.status_code == 302
    row.refresh_from_db()
    assert row.next_due.isoformat() == days_ahead(40)
    last = row.history.order_by("-history_date", "-history_id").first()
    assert "They asked for after the audit" in last.history_change_reason
    assert selectors.draft_changes() == []


def test_a_draft_only_row_cannot_be_rescheduled(manager):
    row = PlanRowFactory()
    with pytest.raises(ValidationError):
        services.plan_row_reschedule(
            row=row, by=manager, next_due=timezone.localdate(), reason="Why not"
        )


def test_the_row_page_shows_one_version_with_its_label(client, manager):
    row = PlanRowFactory(subject="Old name", channel="email")
    approve(manager)
    row.subject, row.channel = "New name", "letter"
    services.plan_row_save(row=row, by=manager)

    body = client.get(row.get_absolute_url()).content.decode()
    heading = body.split("<h1", 1)[1].split("</h1>", 1)[0]

    assert "Old name" in heading
    assert "In force, version 1" in heading
    assert "As in force (version 1)" in body
    assert "Waiting for approval" in body

    draft = PlanRowFactory(subject="Only drafted")
    body = client.get(draft.get_absolute_url()).content.decode()
    assert "As in the draft (not in force yet)" in body
    assert "First due" in body


def days_ahead(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# The plan on a date ----------------------------------------------------------------------


def test_the_plan_on_a_past_date_shows_the_due_dates_as_they_stood_then(client, manager):
    start = timezone.now() - timedelta(days=100)
    with time_machine.travel(start, tick=False):
        row = PlanRowFactory(subject="Monthly call", next_due=timezone.localdate() + timedelta(5))
        approve(manager, "First")
        first_due = PlanRow.objects.get(pk=row.pk).next_due
    with time_machine.travel(start + timedelta(days=30), tick=False):
        services.plan_row_reschedule(
            row=row, by=manager, next_due=timezone.localdate() + timedelta(days=20), reason="Moved"
        )
        second_due = PlanRow.objects.get(pk=row.pk).next_due
    day = timezone.localdate(start)

    early = client.get(PLAN, {"on": (day + timedelta(days=10)).isoformat()})
    later = client.get(PLAN, {"on": (day + timedelta(days=40)).isoformat()})

    assert [r.due_then for r in early.context["on_rows"]] == [first_due]
    assert [r.due_then for r in later.context["on_rows"]] == [second_due]
    assert second_due.isoformat() in later.content.decode()


@pytest.mark.parametrize("rows", [1, 6])
def test_the_plan_on_a_date_costs_a_constant_number_of_queries(
    client, manager, django_assert_num_queries, rows
):
    for _ in range(rows):
        PlanRowFactory()
    approve(manager)

    with django_assert_num_queries(10):
        client.get(PLAN, {"on": timezone.localdate().isoformat()})


def test_the_plan_on_a_future_date_is_refused(client, manager):
    PlanRowFactory()
    approve(manager)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client.get(PLAN, {"on": tomorrow})

    assert response.context["on_version"] is None
    assert "not known yet" in str(response.context["on_form"].errors["on"])
    assert "was in force" not in response.content.decode()


def test_comparison_headings_say_added_and_removed(client, manager):
    gone = PlanRowFactory(subject="Dropped")
    approve(manager, "First")
    services.plan_row_withdraw(row=gone, by=manager)
    PlanRowFactory(subject="Product and service newsletter")
    approve(manager, "Second")

    body = client.get(PLAN, {"a": "1", "b": "2"}).content.decode()

    assert "“Product and service newsletter”, added in version 2" in body
    assert "“Dropped”, removed in version 2" in body
    assert "in both versions" not in body
