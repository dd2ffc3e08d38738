"""Where an invitation stands is one set of rules: the annotation every page shows and
the filter the list and the services use give the same answer for each state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.campaigns.models import Invitation, InvitationToken, Progress
from surveys.campaigns.services import invitation_create, invitation_withdraw
from tests.factories import UserFactory
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import invite, nps_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each():
    made = {}
    made[Progress.OPEN], _ = invite()
    made[Progress.ANSWERED], _ = invite()
    respond(made[Progress.ANSWERED], score=9)
    made[Progress.PARTIAL], _ = invite()
    respond(made[Progress.PARTIAL], score=3, complete=False)
    made[Progress.WITHDRAWN], _ = invite()
    invitation_withdraw(invitation=made[Progress.WITHDRAWN], by=UserFactory(), reason="Asked")
    made[Progress.EXPIRED], _ = invite()
    InvitationToken.objects.filter(invitation=made[Progress.EXPIRED]).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    made[Progress.NOT_SENT] = invitation_create(
        version=nps_version(), contact=made[Progress.OPEN].contact
    )
    made[Progress.FAILED], _ = invite()
    Invitation.objects.filter(pk=made[Progress.FAILED].pk).update(state=Invitation.State.FAILED)
    # Closed without a withdrawal: its questionnaire was voided.
    closed, _ = invite()
    closed.version.questionnaire.voided_at = timezone.now()
    closed.version.questionnaire.void_reason = "Replaced"
    closed.version.questionnaire.save()
    return made, closed


def test_the_annotation_and_the_filter_agree_on_every_state(one_of_each):
    made, closed = one_of_each
    shown = dict(Invitation.objects.with_progress().values_list("pk", "progress"))
    assert {made[value].pk: value for value in made} | {closed.pk: Progress.WITHDRAWN} == shown
    for value in Progress.values:
        filtered = set(Invitation.objects.in_progress(value).values_list("pk", flat=True))
        assert filtered == {pk for pk, progress in shown.items() if progress == value}, value


def test_open_ones_are_those_that_can_still_be_answered(one_of_each):
    made, _closed = one_of_each
    assert set(Invitation.objects.open()) == {
        made[Progress.OPEN],
        made[Progress.PARTIAL],
        made[Progress.NOT_SENT],
    }
