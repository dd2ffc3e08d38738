"""Needs, requirements and commitments: the gates, versions, changes and re-checks.

It mirrors customers/requirements/services.py, one unit; its sections follow the
module's (the review before commitment, changes, re-checks, needs).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from core.models import OutboundEmail
from core.roles import Role
from core.services import record_void
from customers.models import (
    Acknowledgement,
    Change,
    Commitment,
    CommitmentReview,
    Need,
    Requirement,
)
from customers.requirements import selectors, services
from customers.tasks import remind_requirement_rechecks
from tests.factories import (
    CommitmentFactory,
    CustomerFactory,
    NeedFactory,
    RequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def manager():
    return UserFactory(role=Role.QUALITY_MANAGER, full_name="Meera Quality")


def review(commitment, by, *, outcome="accepted", reviewed_on=date(2026, 12, 1), can_meet=True):
    return services.commitment_review(
        commitment=commitment,
        by=by,
        reviewed_on=reviewed_on,
        outcome=outcome,
        conditions="Only with a 5-day lead time." if outcome == "conditions" else "",
        findings=[
            services.ItemFinding(requirement=r, can_meet=can_meet)
            for r in commitment.requirements.all()
        ],
    )


def change_text(requirement, by, text, **kwargs):
    requirement.text = text
    return services.requirement_change(requirement=requirement, by=by, **kwargs)


# The review before commitment (8.2.3) -------------------------------------------


def test_a_commitment_cannot_be_made_before_it_is_reviewed(manager):
    commitment = CommitmentFactory()

    with pytest.raises(ValidationError, match="Review the commitment first"):
        services.commitment_make(commitment=commitment, by=manager)

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DRAFT
    assert commitment.made_at is None


def test_an_accepted_review_dated_on_or_before_the_commitment_lets_it_be_made(manager):
    commitment = CommitmentFactory(committed_on=date(2026, 12, 1))
    review(commitment, manager, reviewed_on=date(2026, 12, 1))

    made = services.commitment_make(commitment=commitment, by=manager)

    assert made.status == Commitment.Status.MADE
    assert made.made_by == manager
    assert made.history.latest().history_user == manager


@pytest.mark.parametrize(
    ("outcome", "can_meet", "message"),
    [
        ("rejected", True, "did not accept"),
        ("conditions", False, None),
    ],
)
def test_only_an_accepting_outcome_lets_a_commitment_be_made(manager, outcome, can_meet, message):
    commitment = CommitmentFactory()
    review(commitment, manager, outcome=outcome, can_meet=can_meet)

    if message:
        with pytest.raises(ValidationError, match=message):
            services.commitment_make(commitment=commitment, by=manager)
        assert Commitment.objects.get(pk=commitment.pk).status == "draft"
    else:
        assert services.commitment_make(commitment=commitment, by=manager).status == "made"


def test_a_review_dated_after_the_commitment_date_does_not_let_it_be_made(manager):
    with time_machine.travel(datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        commitment = CommitmentFactory(committed_on=date(2026, 11, 20))
    review(commitment, manager, reviewed_on=date(2026, 11, 25))

    with pytest.raises(ValidationError, match="dated after the commitment date"):
        services.commitment_make(commitment=commitment, by=manager)

    assert Commitment.objects.get(pk=commitment.pk).status == "draft"


def test_a_review_is_refused_when_it_contradicts_itself_and_nothing_is_recorded(manager):
    commitment = CommitmentFactory()
    requirement = commitment.requirements.get()

    bad = [
        {"outcome": "accepted", "findings": [services.ItemFinding(requirement, can_meet=False)]},
        {"outcome": "conditions", "findings": [services.ItemFinding(requirement, can_meet=True)]},
        {"outcome": "accepted", "findings": []},
        {
            "outcome": "accepted",
            "findings": [services.ItemFinding(requirement, can_meet=True)],
            "reviewed_on": date(2026, 12, 2),
        },
    ]
    for kwargs in bad:
        kwargs.setdefault("reviewed_on", date(2026, 12, 1))
        with pytest.raises(ValidationError):
            services.commitment_review(commitment=commitment, by=manager, **kwargs)

    assert not CommitmentReview.objects.exists()
    assert Commitment.objects.get(pk=commitment.pk).current_review is None


def test_a_commitment_cannot_carry_another_customers_requirement(manager):
    other = RequirementFactory(customer=CustomerFactory())

    with pytest.raises(ValidationError, match="another customer"):
        CommitmentFactory(requirements=[other], by=manager)

    assert not Commitment.objects.exists()


# Changes (8.2.4) ---------------------------------------------------------------


def test_a_change_makes_a_new_version_and_keeps_the_earlier_one_readable(manager):
    requirement = RequirementFactory(text="Deliver in 10 days.")

    edit = change_text(requirement, manager, "Deliver in 5 days.", reason="Customer asked.")

    requirement.refresh_from_db()
    assert requirement.version == 2
    versions = {v.number: v.text for v in requirement.versions.all()}
    assert versions == {1: "Deliver in 10 days.", 2: "Deliver in 5 days."}
    assert (edit.change.from_version, edit.change.to_version) == (1, 2)
    assert requirement.history.latest().history_change_reason == "Customer asked."


def test_a_change_needs_a_reason_and_without_one_saves_nothing(manager):
    requirement = RequirementFactory(text="Deliver in 10 days.")

    with pytest.raises(ValidationError, match="what changed and why"):
        change_text(requirement, manager, "Deliver in 5 days.", reason="  ")

    requirement.refresh_from_db()
    assert (requirement.text, requirement.version) == ("Deliver in 10 days.", 1)
    assert not Change.objects.exists()


def test_changing_only_the_owner_makes_no_version(manager):
    requirement = RequirementFactory()
    requirement.owner = UserFactory()

    edit = services.requirement_change(requirement=requirement, by=manager)

    assert edit.change is None
    assert Requirement.objects.get(pk=requirement.pk).version == 1


def test_a_change_reopens_the_review_of_a_made_commitment_which_stays_made(manager):
    account_owner = UserFactory(full_name="Arjun Account")
    commitment = CommitmentFactory(customer=CustomerFactory(account_owner=account_owner))
    review(commitment, manager)
    services.commitment_make(commitment=commitment, by=manager)
    requirement = commitment.requirements.get()

    edit = change_text(requirement, manager, "Deliver in 3 days.", reason="Tighter lead time.")

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.MADE
    assert commitment.review_reopened
    assert commitment.current_review.reopened_by == edit.change
    # The flag stays until the commitment is reviewed again.
    assert selectors.commitment_blockers(commitment)
    review(commitment, manager)
    commitment.refresh_from_db()
    assert not commitment.review_reopened
    # The new review covers the new version of the requirement.
    assert commitment.current_review.items.get().requirement_version == 2


def test_a_change_asks_the_people_concerned_but_not_the_editor_to_acknowledge(manager):
    owner = UserFactory(role=Role.STAFF, full_name="Riya Owner")
    account_owner = UserFactory(role=Role.TOP_MANAGEMENT, full_name="Arjun Account")
    added = UserFactory(role=Role.STAFF, full_name="Sam Added")
    auditor = UserFactory(role=Role.AUDITOR, full_name="Ada Auditor")
    customer = CustomerFactory(account_owner=account_owner)
    requirement = RequirementFactory(owner=owner)
    CommitmentFactory(customer=customer, requirements=[requirement], by=manager)

    edit = change_text(
        requirement, manager, "New text.", reason="Why", notify=[added, manager, auditor]
    )

    concerns = {
        a.person.full_name: (a.concern, a.acknowledged_at)
        for a in edit.change.acknowledgements.all()
    }
    assert concerns == {
        "Riya Owner": ("owner", None),
        "Arjun Account": ("account", None),
        "Sam Added": ("added", None),
    }
    emails = OutboundEmail.objects.filter(purpose="change notice")
    assert sorted(emails.values_list("recipient", flat=True)) == sorted(
        [owner.email, account_owner.email, added.email]
    )
    assert "please acknowledge" in emails.first().subject
    assert f"/customers/changes/{edit.change.pk}/" in emails.first().body_text


def test_each_person_acknowledges_once_and_others_cannot(manager):
    owner = UserFactory(role=Role.STAFF)
    requirement = RequirementFactory(owner=owner)
    change = change_text(requirement, manager, "New text.", reason="Why").change

    first = services.change_acknowledge(change=change, by=owner)
    again = services.change_acknowledge(change=change, by=owner)

    assert first.acknowledged_at is not None
    assert again.acknowledged_at == first.acknowledged_at
    with pytest.raises(ValidationError, match="does not ask you"):
        services.change_acknowledge(change=change, by=UserFactory(role=Role.STAFF))
    assert Acknowledgement.objects.count() == 1


def test_a_commitment_change_makes_a_version_with_the_requirement_versions_it_carried(manager):
    commitment = CommitmentFactory(title="Calibration of 12 gauges")
    review(commitment, manager)
    services.commitment_make(commitment=commitment, by=manager)
    extra = RequirementFactory(title="Certificate per gauge")
    commitment.title = "Calibration of 15 gauges"

    edit = services.commitment_change(
        commitment=commitment,
        requirements=[*commitment.requirements.all(), extra],
        by=manager,
        reason="Three more gauges.",
    )

    commitment.refresh_from_db()
    assert (commitment.version, commitment.status) == (2, "made")
    assert commitment.review_reopened
    first, second = commitment.versions.order_by("number")
    assert (first.title, len(first.requirements)) == ("Calibration of 12 gauges", 1)
    assert (second.title, len(second.requirements)) == ("Calibration of 15 gauges", 2)
    assert {r["title"] for r in second.requirements} >= {"Certificate per gauge"}
    assert edit.change.commitment == commitment


def test_an_unchanged_commitment_is_not_saved_as_a_new_version(manager):
    commitment = CommitmentFactory()

    with pytest.raises(ValidationError, match="Nothing changed"):
        services.commitment_change(
            commitment=commitment,
            requirements=list(commitment.requirements.all()),
            by=manager,
            reason="No reason",
        )

    assert Commitment.objects.get(pk=commitment.pk).version == 1


# Re-checks of statutory requirements ----------------------------------------------


def statutory(**kwargs):
    return RequirementFactory(
        category=Requirement.Category.STATUTORY,
        source="Legal Metrology (Packaged Commodities) Rules, 2011",
        source_clause="6(1)",
        recheck_due=date(2026, 12, 10),
        **kwargs,
    )


def test_a_statutory_requirement_names_its_source_and_recheck_date():
    with pytest.raises(ValidationError), transaction.atomic():
        RequirementFactory(category=Requirement.Category.STATUTORY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.filter(pk=statutory().pk).update(source="")


def test_the_recheck_flag_and_reminder_follow_the_date(manager):
    owner = UserFactory(full_name="Riya Owner")
    requirement = statutory(owner=owner)

    assert not requirement.is_recheck_due
    assert services.requirements_remind_recheck() == 0

    with time_machine.travel(datetime(2026, 12, 11, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))):
        assert Requirement.objects.get(pk=requirement.pk).is_recheck_due
        assert list(Requirement.objects.recheck_due()) == [requirement]
        assert services.requirements_remind_recheck() == 1
        assert services.requirements_remind_recheck() == 0  # once per due date
        email = OutboundEmail.objects.get(purpose="re-check due")
        assert email.recipient == owner.email
        assert "2026-12-10" in email.body_text

        services.requirement_recheck(
            requirement=requirement,
            by=manager,
            checked_on=date(2026, 12, 11),
            next_due=date(2027, 6, 30),
            note="The 2026 amendment leaves rule 6 as it was.",
        )
        requirement.refresh_from_db()
        assert not requirement.is_recheck_due
        assert requirement.version == 1  # a check is not a change
        assert requirement.history.latest().history_change_reason.startswith("The 2026")

    with time_machine.travel(datetime(2027, 7, 1, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))):
        assert services.requirements_remind_recheck() == 1


def test_a_recheck_cannot_be_dated_ahead_or_set_the_next_one_before_it(manager):
    requirement = statutory()

    with pytest.raises(ValidationError, match="future"):
        services.requirement_recheck(
            requirement=requirement,
            by=manager,
            checked_on=date(2026, 12, 5),
            next_due=date(2027, 1, 1),
            note="",
        )
    with pytest.raises(ValidationError, match="comes after"):
        services.requirement_recheck(
            requirement=requirement,
            by=manager,
            checked_on=date(2026, 12, 1),
            next_due=date(2026, 12, 1),
            note="",
        )
    assert Requirement.objects.get(pk=requirement.pk).recheck_due == date(2026, 12, 10)


# Workflows and needs --------------------------------------------------------------


def test_a_change_to_an_accepted_requirement_puts_it_under_review_again(manager):
    requirement = RequirementFactory()
    for status in ("under_review", "accepted"):
        requirement = services.requirement_set_status(
            requirement=requirement, by=manager, status=status
        )

    change_text(requirement, manager, "New text", reason="Why")

    assert Requirement.objects.get(pk=requirement.pk).status == "under_review"


def test_a_requirement_moves_only_along_its_workflow(manager):
    requirement = RequirementFactory()

    with pytest.raises(ValidationError, match="cannot be made accepted"):
        services.requirement_set_status(requirement=requirement, by=manager, status="accepted")
    services.requirement_set_status(requirement=requirement, by=manager, status="under_review")
    accepted = services.requirement_set_status(
        requirement=requirement, by=manager, status="accepted"
    )

    assert accepted.status == "accepted"
    superseded = services.requirement_set_status(
        requirement=accepted, by=manager, status="superseded"
    )
    with pytest.raises(Exception, match="closed and locked"):
        change_text(superseded, manager, "Late edit", reason="Why")


def test_a_need_names_exactly_one_party(manager):
    need = Need(title="Calibration certificates in Hindi", kind="stated", source="meeting")

    with pytest.raises(ValidationError, match="exactly one party"):
        services.need_save(need=need, by=manager, status="open")
    need.customer = CustomerFactory()
    need.other_party = "Regulator"
    with pytest.raises(ValidationError, match="exactly one party"):
        services.need_save(need=need, by=manager, status="open")

    need.other_party = ""
    saved = services.need_save(need=need, by=manager, status="open")
    assert saved.history.get().history_user == manager


def test_a_closed_need_is_locked_until_it_is_reopened(manager):
    need = NeedFactory()
    services.need_save(need=need, by=manager, status="closed")

    need = Need.objects.get(pk=need.pk)
    need.title = "Edited while closed"
    with pytest.raises(ValidationError, match="cannot be made"):
        services.need_save(need=need, by=manager, status="addressed")
    reopened = services.need_save(need=need, by=manager, status="open")
    assert reopened.title == "Edited while closed"


def test_the_reminder_runs_from_beat_and_by_hand_naming_its_system_actor(settings, capsys):
    requirement = statutory()
    entry = settings.CELERY_BEAT_SCHEDULE["remind-requirement-rechecks"]
    assert entry["task"] == remind_requirement_rechecks.name

    with time_machine.travel(datetime(2026, 12, 11, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))):
        call_command("remind_requirement_rechecks")
        assert "1 reminder(s) queued." in capsys.readouterr().out
        assert remind_requirement_rechecks.apply().get() == 0

    assert Requirement.objects.get(pk=requirement.pk).recheck_reminded_for == date(2026, 12, 10)


# What the review of the first version found (helper-1's review) -------------------


def test_a_commitment_brought_back_after_a_change_is_not_made_on_its_old_review(manager):
    commitment = CommitmentFactory()
    review(commitment, manager)
    services.commitment_withdraw(commitment=commitment, by=manager)
    change_text(commitment.requirements.get(), manager, "Changed meanwhile", reason="Why")
    services.commitment_withdraw(commitment=commitment, by=manager, reopen=True)

    with pytest.raises(ValidationError, match="reopened the review"):
        services.commitment_make(commitment=commitment, by=manager)
    assert Commitment.objects.get(pk=commitment.pk).status == "draft"


def test_a_review_that_missed_a_requirement_version_does_not_let_it_be_made(manager):
    commitment = CommitmentFactory()
    review(commitment, manager)
    requirement = commitment.requirements.get()
    # A version written behind the services' back: the gate still reads the versions.
    Requirement.objects.filter(pk=requirement.pk).update(version=2)

    with pytest.raises(ValidationError, match="does not cover the current version"):
        services.commitment_make(commitment=commitment, by=manager)


def test_a_commitment_carrying_a_rejected_requirement_cannot_be_made(manager):
    commitment = CommitmentFactory()
    review(commitment, manager)
    requirement = commitment.requirements.get()
    for status in ("under_review", "rejected"):
        requirement = services.requirement_set_status(
            requirement=requirement, by=manager, status=status
        )

    with pytest.raises(ValidationError, match="rejected, superseded or voided"):
        services.commitment_make(commitment=commitment, by=manager)


def test_a_requirement_carried_for_one_customer_cannot_move_to_another(manager):
    commitment = CommitmentFactory()
    requirement = commitment.requirements.get()
    requirement.customer = CustomerFactory()

    with pytest.raises(ValidationError, match="other customers carry"):
        services.requirement_change(requirement=requirement, by=manager, reason="Move it")

    assert Requirement.objects.get(pk=requirement.pk).customer_id is None


def test_a_commitment_with_no_requirement_cannot_be_reviewed(manager):
    commitment = CommitmentFactory()
    commitment.requirements.clear()

    with pytest.raises(ValidationError, match="carries no requirement"):
        services.commitment_review(
            commitment=commitment,
            by=manager,
            reviewed_on=date(2026, 12, 1),
            outcome="accepted",
            findings=[],
        )
    assert not CommitmentReview.objects.exists()


def test_the_owner_of_a_requirement_taken_off_a_commitment_is_asked_too(manager):
    leaving = RequirementFactory(owner=UserFactory(role=Role.STAFF, full_name="Lee Leaving"))
    staying = RequirementFactory(owner=UserFactory(role=Role.STAFF, full_name="Sam Staying"))
    commitment = CommitmentFactory(requirements=[leaving, staying], by=manager)

    edit = services.commitment_change(
        commitment=commitment, requirements=[staying], by=manager, reason="Not needed"
    )

    asked = {a.person.full_name for a in edit.change.acknowledgements.all()}
    assert asked >= {"Lee Leaving", "Sam Staying"}


def test_a_made_commitment_whose_new_review_rejects_it_stays_flagged(manager):
    commitment = CommitmentFactory()
    review(commitment, manager)
    services.commitment_make(commitment=commitment, by=manager)
    change_text(commitment.requirements.get(), manager, "Harder now", reason="Why")

    review(commitment, manager, outcome="rejected", can_meet=False)

    commitment = Commitment.objects.select_related("current_review").get(pk=commitment.pk)
    assert not commitment.review_reopened
    assert commitment.needs_review_again


def test_a_voided_commitment_is_neither_withdrawn_nor_brought_back(manager):
    commitment = CommitmentFactory()
    record_void(record=commitment, by=manager, reason="Entered twice")

    with pytest.raises(ValidationError, match="voided"):
        services.commitment_withdraw(commitment=commitment, by=manager)


# A review's date against the commitment's own timeline (8.2.3 evidence) -----------


def test_a_review_cannot_be_backdated_before_the_version_it_reviews_was_recorded(manager):
    commitment = CommitmentFactory(committed_on=date(2026, 12, 15))

    with pytest.raises(ValidationError) as refused:
        review(commitment, manager, reviewed_on=date(2019, 1, 1))

    assert refused.value.message_dict["reviewed_on"] == [
        (
            "The review cannot be dated before 2026-12-01, the day version 1 of the "
            "commitment was recorded."
        )
    ]
    assert not CommitmentReview.objects.exists()
    assert Commitment.objects.get(pk=commitment.pk).current_review is None


def test_a_review_of_a_later_version_cannot_be_dated_before_that_version(manager):
    commitment = CommitmentFactory(committed_on=date(2026, 12, 20))
    with time_machine.travel(datetime(2026, 12, 4, 9, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        commitment.title = "Calibration and repair"
        services.commitment_change(
            commitment=commitment,
            requirements=list(commitment.requirements.all()),
            by=manager,
            reason="Repair added",
        )
        with pytest.raises(ValidationError, match="before 2026-12-04, the day version 2"):
            review(commitment, manager, reviewed_on=date(2026, 12, 2))
        assert review(commitment, manager, reviewed_on=date(2026, 12, 4)).commitment_version == 2


def test_a_review_cannot_be_dated_in_the_future(manager):
    commitment = CommitmentFactory(committed_on=date(2026, 12, 15))

    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        review(commitment, manager, reviewed_on=date(2026, 12, 2))

    assert not CommitmentReview.objects.exists()


def test_the_latest_review_is_the_one_recorded_last_whatever_its_date(manager):
    commitment = CommitmentFactory(committed_on=date(2026, 12, 15))
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        accepting = review(commitment, manager, reviewed_on=date(2026, 12, 3))
    with time_machine.travel(datetime(2026, 12, 4, 9, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        # Recorded a day later, about a meeting held before the first review.
        rejecting = review(
            commitment, manager, reviewed_on=date(2026, 12, 2), outcome="rejected", can_meet=False
        )

        commitment = Commitment.objects.get(pk=commitment.pk)
        assert commitment.current_review == rejecting
        assert list(commitment.reviews.all()) == [rejecting, accepting]
        assert CommitmentReview.objects.first() == rejecting
        with pytest.raises(ValidationError, match="did not accept"):
            services.commitment_make(commitment=commitment, by=manager)


# Every requirement a commitment carries is accepted before it is made --------------


@pytest.mark.parametrize(
    ("moves", "shown"),
    [((), "draft"), (("under_review",), "under review")],
)
def test_a_commitment_carrying_a_requirement_not_yet_accepted_cannot_be_made(manager, moves, shown):
    accepted = RequirementFactory(status="accepted")
    pending = RequirementFactory()
    for status in moves:
        services.requirement_set_status(requirement=pending, by=manager, status=status)
    commitment = CommitmentFactory(requirements=[accepted, pending])
    review(commitment, manager)

    blockers = selectors.commitment_blockers(Commitment.objects.get(pk=commitment.pk))
    with pytest.raises(ValidationError) as refused:
        services.commitment_make(commitment=commitment, by=manager)

    message = f"{pending.reference} is {shown}: accept it before the commitment is made."
    assert blockers == [message]
    assert refused.value.messages == [message]
    assert Commitment.objects.get(pk=commitment.pk).status == "draft"
    assert accepted.reference not in message


def test_a_commitment_is_made_once_every_requirement_it_carries_is_accepted(manager):
    pending = RequirementFactory()
    commitment = CommitmentFactory(requirements=[pending])
    review(commitment, manager)
    for status in ("under_review", "accepted"):
        services.requirement_set_status(requirement=pending, by=manager, status=status)

    made = services.commitment_make(commitment=commitment, by=manager)

    assert made.status == Commitment.Status.MADE
