"""The demo surveys: the built-ins approved, invitations in both languages, answers at
their own dates, and open links a newcomer can follow from the communication log."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboundEmail
from surveys.campaigns.links import LinkState, survey_link_find
from surveys.campaigns.models import Invitation
from surveys.design.models import QuestionnaireVersion
from surveys.responses.models import Answer, Response
from tests.surveys.factories import token_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    # make run keeps the links in the log (DEBUG); the demo is loaded the same way.
    settings.COMMUNICATION_LOG_KEEP_LINKS = True
    call_command("load_demo", force=True)


def test_the_builtin_questionnaires_are_approved(demo):
    approved = QuestionnaireVersion.objects.sendable().exclude(questionnaire__builtin="")
    assert set(approved.values_list("questionnaire__builtin", flat=True)) == {
        "relationship-nps",
        "transactional-csat",
        "complaint-handling",
    }
    # Approved before anything was sent with them, in the record and its history.
    for version in approved.exclude(frozen_at=None):
        assert version.approved_at < version.frozen_at
        assert max(version.history.values_list("history_date", flat=True)) < version.frozen_at


def test_invitations_are_answered_in_both_languages_at_their_own_dates(demo):
    complete = Response.objects.completed()
    assert set(complete.values_list("language", flat=True)) == {"en", "hi"}
    assert Response.objects.partial().count() == 1
    for response in complete.select_related("invitation"):
        assert response.invitation.sent_at < response.completed_at < timezone.now()
        assert response.completed_at < timezone.now() - timedelta(days=5)
    hindi = Answer.objects.filter(response__language="hi").exclude(text="")
    assert hindi.exists()
    assert all("\u0900" <= answer.text[0] <= "\u097f" for answer in hindi)


def test_an_unanswered_invitation_has_a_working_link_in_the_logged_email(demo, client):
    open_invitations = Invitation.objects.filter(response__isnull=True)
    assert open_invitations.count() >= 2
    invitation = open_invitations.first()
    email = OutboundEmail.objects.get(object_id=str(invitation.pk), purpose="survey invitation")
    token = token_in(email.body_text)
    assert survey_link_find(token).state == LinkState.OPEN
    response = client.get(f"/p/survey/{token}/")
    assert response.status_code == 200
    assert not Response.objects.filter(invitation=invitation).exists()


def test_loading_twice_adds_nothing(demo):
    counts = (Invitation.objects.count(), Response.objects.count(), Answer.objects.count())
    call_command("load_demo", force=True)
    assert (Invitation.objects.count(), Response.objects.count(), Answer.objects.count()) == counts
