"""The complaint workflow through its services: each step, its checks and its emails."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import OutboundEmail
from core.records import RecordLockedError, Refusal, TransitionNotAllowedError, status_changed
from customers.models import Customer
from feedback.complaints import services
from feedback.models import FeedbackItem
from tests.factories import ContactFactory
from tests.feedback.factories import FeedbackItemFactory

pytestmark = pytest.mark.django_db

Kind, Status, Acceptance = FeedbackItem.Kind, FeedbackItem.Status, FeedbackItem.Acceptance


def received(owner, **fields):
    contact = fields.pop("contact", None) or ContactFactory(language="hi")
    return services.feedback_receive(
        kind=fields.pop("kind", Kind.COMPLAINT),
        channel=FeedbackItem.Channel.EMAIL,
        description=fields.pop("description", "The pump leaks at the flange."),
        contact=contact,
        language=contact.language,
        owner=owner,
        **fields,
    )


def responded(owner):
    item = received(owner)
    services.feedback_assess(item=item, by=owner, severity="high", remedy_sought="A new pump")
    services.feedback_investigate(item=item, by=owner, notes="Read the test log.")
    return services.feedback_respond(item=item, by=owner, decision="We replace the pump.")


def test_a_complaint_goes_to_closed_and_the_customer_hears_the_decision_in_their_language(
    manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = responded(manager)
    item.refresh_from_db()
    assert item.status == Status.RESPONDED
    assert item.severity == "high"
    assert item.due_at == item.received_at + timedelta(days=10)
    decision = OutboundEmail.objects.get(purpose="feedback decision")
    assert decision.recipient == item.contact.email
    assert decision.language == "hi"
    assert "We replace the pump." in decision.body_text
    assert "/p/feedback/status/" in decision.body_text
    services.feedback_record_reply(item=item, by=manager, accepted=True)
    closed = services.feedback_close(item=item, by=manager)
    assert closed.status == Status.CLOSED
    assert closed.closed_at is not None
    reasons = list(
        item.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[-6:] == [
        "Acknowledgement emailed",
        "Assessed",
        "Investigation started",
        "Decision communicated",
        "The customer accepted the decision",
        "Closed",
    ]


def test_a_complaint_closes_only_with_the_reply_and_when_not_accepted_with_the_recourse_outcome(
    manager,
):
    item = responded(manager)
    with pytest.raises(Refusal, match="Record the customer's reply first"):
        services.feedback_close(item=item, by=manager)
    with pytest.raises(ValidationError, match="which recourse"):
        services.feedback_record_reply(item=item, by=manager, accepted=False)
    services.feedback_record_reply(item=item, by=manager, accepted=False, recourse="review")
    with pytest.raises(Refusal, match="record the outcome of the recourse"):
        services.feedback_close(item=item, by=manager)
    item.refresh_from_db()
    assert (item.status, item.acceptance, item.recourse) == (
        Status.RESPONDED,
        Acceptance.NOT_ACCEPTED,
        "review",
    )
    services.feedback_record_reply(
        item=item,
        by=manager,
        accepted=False,
        recourse="review",
        recourse_outcome="The review upheld it.",
    )
    assert services.feedback_close(item=item, by=manager).status == Status.CLOSED


def test_a_new_decision_after_investigating_again_waits_for_the_reply_again(manager):
    item = responded(manager)
    services.feedback_record_reply(item=item, by=manager, accepted=False, recourse="review")
    again = services.feedback_investigate(item=item, by=manager, notes="A second engineer looks.")
    assert again.status == Status.INVESTIGATING
    item = services.feedback_respond(item=item, by=manager, decision="We refund the pump.")
    assert (item.acceptance, item.recourse, item.recourse_outcome) == (Acceptance.PENDING, "", "")


def test_a_closed_item_is_locked_until_reopened_with_a_reason_which_restarts_its_clock(manager):
    item = responded(manager)
    services.feedback_record_reply(item=item, by=manager, accepted=True)
    services.feedback_close(item=item, by=manager)
    item.refresh_from_db()
    item.subject = "Changed"
    with pytest.raises(RecordLockedError):
        services.feedback_edit(item=item, by=manager)
    with pytest.raises(ValidationError, match="why it is reopened"):
        services.feedback_reopen(item=item, by=manager, reason=" ")
    reopened = services.feedback_reopen(item=item, by=manager, reason="The pump leaks again.")
    assert reopened.status == Status.INVESTIGATING
    assert reopened.closed_at is None
    assert reopened.due_at > timezone.now() + timedelta(days=9)
    assert reopened.history.first().history_change_reason == "Reopened: The pump leaks again."


def test_other_kinds_close_with_a_resolution_and_reopen_to_received(manager):
    item = received(manager, kind=Kind.SUGGESTION)
    with pytest.raises(ValidationError, match="how this was resolved"):
        services.feedback_close(item=item, by=manager)
    closed = services.feedback_close(item=item, by=manager, resolution="Added to the backlog.")
    assert (closed.status, closed.resolution) == (Status.CLOSED, "Added to the backlog.")
    assert (
        services.feedback_reopen(item=item, by=manager, reason="Asked again").status
        == Status.RECEIVED
    )


def test_a_compliment_is_not_assessed(manager):
    item = received(manager, kind=Kind.COMPLIMENT)
    with pytest.raises(Refusal, match="Only a complaint is assessed"):
        services.feedback_assess(item=item, by=manager, severity="low")


def test_a_forbidden_step_is_refused_with_the_workflows_message_and_changes_nothing(manager):
    item = received(manager)
    with pytest.raises(
        TransitionNotAllowedError,
        match=r"communicated once the complaint is assessed; FB-[0-9]+ is acknowledged",
    ):
        services.feedback_respond(item=item, by=manager, decision="Too early")
    item.refresh_from_db()
    assert (item.status, item.decision) == (Status.ACKNOWLEDGED, "")


def test_closing_is_announced_after_commit_with_who_and_why(
    manager, django_capture_on_commit_callbacks
):
    heard = []

    def receiver(sender, **kwargs):
        heard.append(
            (kwargs["instance"].pk, kwargs["old"], kwargs["new"], kwargs["by"], kwargs["reason"])
        )

    status_changed.connect(receiver, sender=FeedbackItem, weak=False)
    try:
        item = responded(manager)
        services.feedback_record_reply(item=item, by=manager, accepted=True)
        with django_capture_on_commit_callbacks() as callbacks:
            services.feedback_close(item=item, by=manager, resolution="Pump replaced.")
            assert heard == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        status_changed.disconnect(receiver, sender=FeedbackItem)
    assert heard == [(item.pk, Status.RESPONDED, Status.CLOSED, manager, "Pump replaced.")]


def test_acknowledging_by_hand_checks_the_date_against_the_items_timeline(manager):
    contact = ContactFactory()
    item = services.feedback_receive(
        kind=Kind.COMPLAINT,
        channel=FeedbackItem.Channel.PHONE,
        description="Called about the noise.",
        customer=contact.customer,
        received_at=timezone.now() - timedelta(days=2),
        owner=manager,
    )
    assert item.status == Status.RECEIVED  # no address: nothing was emailed
    with pytest.raises(ValidationError, match="before"):
        services.feedback_acknowledge(
            item=item, by=manager, how="Phone", at=item.received_at - timedelta(hours=1)
        )
    with pytest.raises(ValidationError, match="future"):
        services.feedback_acknowledge(
            item=item, by=manager, how="Phone", at=timezone.now() + timedelta(days=1)
        )
    at = item.received_at + timedelta(hours=3)
    done = services.feedback_acknowledge(item=item, by=manager, how="Called back", at=at)
    assert (done.status, done.acknowledged_at, done.acknowledged_how) == (
        Status.ACKNOWLEDGED,
        at,
        "Called back",
    )


def test_feedback_cannot_be_received_in_the_future(manager):
    with pytest.raises(ValidationError, match="future"):
        received(manager, received_at=timezone.now() + timedelta(days=1))
    assert not FeedbackItem.objects.exists()


def test_a_follow_up_turned_into_a_complaint_keeps_its_source_and_closes_saying_so(
    manager, django_capture_on_commit_callbacks
):
    customer_type = ContentType.objects.get_for_model(Customer)
    follow_up = FeedbackItemFactory(
        kind=Kind.FOLLOW_UP,
        owner=manager,
        source_type=customer_type,
        source_id="77",
        status=Status.ACKNOWLEDGED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.feedback_convert(
            item=follow_up, by=manager, reason="They expect a refund."
        )
    follow_up.refresh_from_db()
    assert complaint.kind == Kind.COMPLAINT
    assert complaint.source_item == follow_up
    assert (complaint.source_type, complaint.source_id) == (customer_type, "77")
    assert complaint.description == follow_up.description
    assert complaint.status == Status.ACKNOWLEDGED  # acknowledged with its own reference
    assert follow_up.status == Status.CLOSED
    assert (
        follow_up.resolution
        == f"Turned into complaint {complaint.reference}: They expect a refund."
    )
    with pytest.raises(Refusal, match="already turned into complaint"):
        services.feedback_convert(item=follow_up, by=manager)
    with pytest.raises(Refusal, match="already a complaint"):
        services.feedback_convert(item=complaint, by=manager)


def test_staff_handle_only_what_they_own(staff, manager):
    theirs = received(staff)
    others = received(manager)
    assert services.feedback_assess(item=theirs, by=staff, severity="low").status == Status.ASSESSED
    with pytest.raises(Refusal, match="only its owner or a quality manager"):
        services.feedback_assess(item=others, by=staff, severity="low")
    with pytest.raises(Refusal, match="Only a quality manager assigns"):
        services.feedback_assign(item=others, by=staff, owner=staff)
    others.refresh_from_db()
    assert others.status == Status.ACKNOWLEDGED


def test_assigning_tells_the_new_owner(manager, staff, django_capture_on_commit_callbacks):
    item = received(None)
    services.feedback_assign(item=item, by=manager, owner=staff)
    item.refresh_from_db()
    assert item.owner == staff
    assert (
        OutboundEmail.objects.filter(recipient=staff.email, purpose="complaint assigned").count()
        == 1
    )


def test_a_description_over_the_limit_and_script_are_refused_or_kept_as_text(manager):
    with pytest.raises(ValidationError):
        received(manager, description="x" * 10_001)
    assert not FeedbackItem.objects.exists()
    item = received(manager, subject="<script>alert(1)</script>")
    assert item.subject == "<script>alert(1)</script>"


# Fixes found walking the register as each role --------------------------------------


def test_only_a_closed_complaint_is_reopened_and_its_targets_stay_until_then(manager):
    item = received(manager)
    services.feedback_assess(item=item, by=manager, severity="high")
    FeedbackItem.objects.filter(pk=item.pk).update(
        due_at=timezone.now() - timedelta(days=1), escalation_level=2
    )
    with pytest.raises(TransitionNotAllowedError, match="Only a closed complaint can be reopened"):
        services.feedback_reopen(item=item, by=manager, reason="Try")
    item.refresh_from_db()
    assert (item.status, item.escalation_level) == (Status.ASSESSED, 2)
    assert item.due_at < timezone.now()


def test_investigating_again_after_a_decision_not_accepted_keeps_the_targets(manager):
    item = responded(manager)
    services.feedback_record_reply(item=item, by=manager, accepted=False, recourse="review")
    FeedbackItem.objects.filter(pk=item.pk).update(escalation_level=1)
    item.refresh_from_db()
    due = item.due_at
    again = services.feedback_investigate(item=item, by=manager, notes="Review by the director")
    assert (again.status, again.due_at, again.escalation_level) == (Status.INVESTIGATING, due, 1)


def test_a_closed_complaint_is_not_investigated_without_reopening(manager):
    item = responded(manager)
    services.feedback_record_reply(item=item, by=manager, accepted=True)
    services.feedback_close(item=item, by=manager)
    with pytest.raises(TransitionNotAllowedError, match=r"already closed|is closed"):
        services.feedback_investigate(item=item, by=manager, notes="Sneak in")


def test_reopening_clears_the_previous_outcome_which_the_history_keeps(manager):
    item = responded(manager)
    services.feedback_record_reply(
        item=item, by=manager, accepted=False, recourse="review", recourse_outcome="Upheld"
    )
    services.feedback_close(item=item, by=manager, resolution="Closed after review")
    reopened = services.feedback_reopen(item=item, by=manager, reason="It leaks again")
    assert reopened.acceptance == Acceptance.PENDING
    assert (reopened.recourse, reopened.recourse_outcome, reopened.resolution) == ("", "", "")
    assert reopened.closed_at is None
    assert item.history.filter(resolution="Closed after review", recourse="review").exists()


def test_an_account_owner_who_cannot_handle_feedback_does_not_own_it_and_managers_hear(
    manager, django_capture_on_commit_callbacks
):
    from core.roles import Role  # noqa: PLC0415
    from tests.factories import CustomerFactory, UserFactory  # noqa: PLC0415

    director = UserFactory(role=Role.TOP_MANAGEMENT)
    contact = ContactFactory(customer=CustomerFactory(account_owner=director))
    with django_capture_on_commit_callbacks(execute=True):
        item = received(None, contact=contact)
    assert item.owner is None
    asked = OutboundEmail.objects.filter(purpose="complaint needs an owner")
    assert list(asked.values_list("recipient", flat=True)) == [manager.email]
    staff_owner = UserFactory(role=Role.STAFF)
    contact2 = ContactFactory(customer=CustomerFactory(account_owner=staff_owner))
    assert received(None, contact=contact2).owner == staff_owner


def test_staff_cannot_void_even_their_own_item_and_managers_can(staff, manager):
    item = received(staff)
    with pytest.raises(Refusal, match="Only a quality manager voids"):
        services.feedback_void(item=item, by=staff, reason="Duplicate")
    item.refresh_from_db()
    assert not item.is_voided
    services.feedback_void(item=item, by=manager, reason="Duplicate")
    item.refresh_from_db()
    assert item.is_voided


def test_the_received_date_cannot_be_edited_to_after_a_step_recorded(manager):
    item = received(manager, received_at=timezone.now() - timedelta(days=3))
    assert item.acknowledged_at is not None
    item.received_at = item.acknowledged_at + timedelta(hours=1)
    with pytest.raises(ValidationError, match="cannot be received after it was acknowledged"):
        services.feedback_edit(item=item, by=manager)
    item.refresh_from_db()
    earlier = item.received_at - timedelta(days=1)
    item.received_at = earlier
    edited = services.feedback_edit(item=item, by=manager)
    assert edited.received_at == earlier
    assert edited.acknowledge_due_at < item.acknowledge_due_at


def test_turning_into_a_complaint_keeps_the_received_date_and_acknowledgement(
    manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = received(
            manager, kind=Kind.ENQUIRY, received_at=timezone.now() - timedelta(days=4)
        )
    sent = OutboundEmail.objects.filter(purpose="feedback acknowledgement").count()
    with pytest.raises(ValidationError, match="Say why"):
        services.feedback_convert(item=enquiry, by=manager, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.feedback_convert(item=enquiry, by=manager, reason="Wants a refund")
    assert complaint.received_at == enquiry.received_at
    assert (
        complaint.due_at
        == services.targets_for(kind=Kind.COMPLAINT, received_at=enquiry.received_at)["due_at"]
    )
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.acknowledged_at == enquiry.acknowledged_at
    assert complaint.acknowledged_how == f"acknowledged as {enquiry.reference}"
    assert OutboundEmail.objects.filter(purpose="feedback acknowledgement").count() == sent
