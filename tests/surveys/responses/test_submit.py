"""response_save: one transaction, one response per invitation, the link judged again."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from surveys.campaigns.links import LinkState
from surveys.campaigns.models import InvitationToken
from surveys.campaigns.services import invitation_withdraw
from surveys.design.models import Question
from surveys.responses.models import Answer, Response
from surveys.responses.services import LinkNotOpen, response_save
from tests.factories import UserFactory
from tests.surveys.factories import invite, nps_version, reminder_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # The refusals are matched in English, whatever an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    version = nps_version()
    invitation, _token = invite(version=version)
    return invitation, version.ordered_questions()


def token_of(invitation, kind="first"):
    return InvitationToken.objects.get(invitation=invitation, kind=kind)


def test_a_page_is_saved_and_the_response_sent(survey):
    invitation, (nps, _improve, single, multiple, text) = survey
    token = token_of(invitation)

    partial = response_save(token=token, page=1, answers={nps.pk: 10}, submit=False)
    assert not partial.is_complete
    assert partial.page == 2
    sent = response_save(
        token=token,
        page=2,
        answers={single.pk: "price", multiple.pk: ["phone"], text.pk: ""},
        submit=True,
    )

    assert sent.pk == partial.pk
    assert sent.is_complete
    assert sent.token == token
    assert sent.version == invitation.version
    assert sent.language == invitation.language
    assert token_of(invitation).used_at == sent.completed_at
    stored = {a.question_id: (a.score, a.choices, a.text) for a in Answer.objects.all()}
    assert stored == {
        nps.pk: (10, [], ""),
        single.pk: (None, ["price"], ""),
        multiple.pk: (None, ["phone"], ""),
    }


def test_a_sent_response_takes_nothing_more(survey):
    invitation, (nps, *_rest) = survey
    token = token_of(invitation)
    response_save(token=token, page=1, answers={nps.pk: 10}, submit=False)
    response_save(token=token, page=2, answers={}, submit=True)

    again = response_save(token=token, page=1, answers={nps.pk: 0}, submit=True)

    assert again.is_complete
    assert Answer.objects.get(question=nps).score == 10
    assert Response.objects.count() == 1


def test_any_link_of_the_invitation_reaches_the_same_response(survey):
    invitation, (nps, *_rest) = survey
    reminder_token(invitation)

    first = response_save(token=token_of(invitation), page=1, answers={nps.pk: 4}, submit=False)
    second = response_save(
        token=token_of(invitation, "reminder"), page=1, answers={nps.pk: 5}, submit=False
    )

    assert first.pk == second.pk
    assert Answer.objects.get().score == 5


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"score": 11}, "out of its scale"),
        ({"score": True}, "out of its scale"),
        ({"text": "x" * 2001}, "longer than 2000 characters"),
        ({"text": 7}, "must be text"),
        ({"single": "free-lunch"}, "not one of those offered"),
        ({"single": ["price", "quality"]}, "not one of those offered"),
        ({"other": 1}, "not on this page"),
    ],
)
def test_answers_that_do_not_fit_their_question_store_nothing(survey, bad, message):
    invitation, (nps, _improve, single, *_rest) = survey
    token = token_of(invitation)
    if "score" in bad:
        answers, page = {nps.pk: bad["score"]}, 1
    elif "text" in bad:
        last = Question.objects.filter(version=invitation.version, kind="text").last()
        answers, page = {last.pk: bad["text"]}, 2
    elif "single" in bad:
        answers, page = {single.pk: bad["single"]}, 2
    else:
        answers, page = {single.pk: "price"}, 1

    with pytest.raises(ValidationError, match=message):
        response_save(token=token, page=page, answers=answers, submit=False)

    assert not Response.objects.exists()


def test_a_page_outside_the_survey_is_refused(survey):
    invitation, _questions = survey

    with pytest.raises(ValidationError):
        response_save(token=token_of(invitation), page=3, answers={}, submit=False)


def test_sending_without_a_required_answer_stores_nothing(survey):
    invitation, (nps, improve, *_rest) = survey
    token = token_of(invitation)
    response_save(token=token, page=1, answers={nps.pk: 2}, submit=False)

    with pytest.raises(ValidationError, match="required"):
        response_save(token=token, page=2, answers={}, submit=True)

    response = Response.objects.get()
    assert not response.is_complete
    assert token_of(invitation).used_at is None
    response_save(token=token, page=2, answers={improve.pk: "Answer sooner"}, submit=True)
    assert Response.objects.get().is_complete


def test_a_hidden_question_keeps_no_answer(survey):
    invitation, (nps, improve, *_rest) = survey
    token = token_of(invitation)
    response_save(token=token, page=1, answers={nps.pk: 1}, submit=False)
    response_save(token=token, page=2, answers={improve.pk: "Faster"}, submit=False)

    response_save(token=token, page=1, answers={nps.pk: 9}, submit=False)

    assert list(Answer.objects.values_list("question_id", flat=True)) == [nps.pk]


def test_an_expired_link_is_judged_again_at_saving(survey):
    invitation, (nps, *_rest) = survey

    with pytest.raises(LinkNotOpen) as refused:
        response_save(
            token=token_of(invitation),
            page=1,
            answers={nps.pk: 9},
            submit=True,
            now=timezone.now() + timedelta(days=31),
        )

    assert refused.value.state == LinkState.EXPIRED
    assert not Response.objects.exists()


def test_a_withdrawn_invitation_takes_no_answer(survey):
    invitation, (nps, *_rest) = survey
    token = token_of(invitation)
    invitation_withdraw(invitation=invitation, by=UserFactory(), reason="Wrong contact")

    with pytest.raises(LinkNotOpen):
        response_save(token=token, page=1, answers={nps.pk: 9}, submit=False)

    assert not Response.objects.exists()
