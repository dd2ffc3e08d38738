"""Each flag a list filters on and a page shows is one queryset method with the
one-record check beside it: the two must agree on every kind of record."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Commitment, CommitmentReview, Contact, Requirement
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    RequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_recheck_due_is_one_rule_for_the_list_and_the_record():
    today = timezone.localdate()
    for due, status, voided in itertools.product(
        [None, today - timedelta(days=1), today, today + timedelta(days=1)],
        list(Requirement.Status),
        [False, True],
    ):
        requirement = RequirementFactory()
        Requirement.objects.filter(pk=requirement.pk).update(
            recheck_due=due, status=status, voided_at=timezone.now() if voided else None
        )

    flagged = set(Requirement.objects.recheck_due())
    every = list(Requirement.objects.all())

    assert flagged == {r for r in every if r.is_recheck_due}
    assert len(flagged) == 3  # overdue, in force (draft, under review, accepted), not voided


def test_needs_review_again_is_one_rule_for_the_list_and_the_record():
    reviewer = UserFactory()
    for status, outcome, reopened in itertools.product(
        list(Commitment.Status), [None, *CommitmentReview.Outcome], [False, True]
    ):
        commitment = CommitmentFactory()
        review = None
        if outcome is not None:
            review = CommitmentReview.objects.create(
                commitment=commitment,
                commitment_version=1,
                reviewer=reviewer,
                reviewed_on=timezone.localdate(),
                outcome=outcome,
                conditions="Weekdays only" if outcome == "conditions" else "",
                reopened_at=timezone.now() if reopened else None,
            )
        Commitment.objects.filter(pk=commitment.pk).update(status=status, current_review=review)

    every = list(Commitment.objects.select_related("current_review"))

    assert set(Commitment.objects.needs_review_again()) == {
        c for c in every if c.needs_review_again
    }
    assert set(Commitment.objects.not_reviewed()) == {
        c for c in every if c.current_review is None and c.status == Commitment.Status.DRAFT
    }


def test_can_be_surveyed_is_one_rule_for_the_list_and_the_record():
    now = timezone.now()
    for consent, opted_out, bounced, erased, voided in itertools.product([False, True], repeat=5):
        ContactFactory(
            consent=consent,
            consent_on=timezone.localdate() if consent else None,
            consent_source="form" if consent else "",
            opted_out=opted_out,
            bounced=bounced,
            erased_at=now if erased else None,
            voided_at=now if voided else None,
        )

    every = list(Contact.objects.all())

    assert set(Contact.objects.can_be_surveyed()) == {c for c in every if c.can_be_surveyed}
    assert Contact.objects.can_be_surveyed().count() == 1
