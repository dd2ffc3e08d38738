"""The answer page: shown on GET without a write, saved page by page on POST."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.design.models import Question
from surveys.responses.models import Answer, Response
from tests.surveys.factories import (
    QuestionFactory,
    VersionFactory,
    approve,
    invite,
    nps_version,
    reminder_token,
)
from tests.surveys.public.conftest import (
    answer_url,
    counts,
    field,
    page_one,
    page_two,
    questions,
    thanks_url,
    used_times,
)

pytestmark = pytest.mark.django_db


def test_a_promoter_answers_both_pages_and_sees_the_thanks(client):
    version = nps_version()
    invitation, token = invite(version=version)

    first = client.post(answer_url(token), page_one(version, 9))
    assert first.status_code == 302
    assert "page=2" in first["Location"]
    second_page = client.get(first["Location"])
    assert second_page.status_code == 200
    assert "What should we improve?" not in second_page.content.decode()
    sent = client.post(answer_url(token), page_two(version))

    assert sent.status_code == 302
    assert sent["Location"].startswith(thanks_url(token))
    response = Response.objects.get()
    assert response.invitation == invitation
    assert response.is_complete
    scores = dict(Answer.objects.values_list("question__position", "score"))
    assert scores[1] == 9
    assert 2 not in scores
    thanks = client.get(sent["Location"])
    assert "Thank you!" in thanks.content.decode()


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_a_link_writes_nothing_and_never_uses_it(client, method):
    version = nps_version()
    _invitation, token = invite(version=version)
    before = counts()

    with CaptureQueriesContext(connection) as queries:
        for query in ({}, {"score": 9}, {"page": 2}):
            shown = getattr(client, method)(answer_url(token, **query))
            assert shown.status_code == 200

    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert not writes
    assert counts() == before
    assert used_times() == [None]
    assert not Response.objects.exists()


def test_a_score_chosen_in_the_email_is_preselected_and_not_stored(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    nps = questions(version)[0]

    page = client.get(answer_url(token, score=7)).content.decode()

    assert f'id="id_{field(nps)}_7" value="7" checked' in page
    assert page.count(" checked") == 1
    assert not Response.objects.exists()


@pytest.mark.parametrize("score", ["11", "-1", "nine", "", "9.5"])
def test_a_score_out_of_the_scale_in_the_address_is_ignored(client, score):
    _invitation, token = invite()

    page = client.get(f"{answer_url(token)}?score={score}")

    assert page.status_code == 200
    assert " checked" not in page.content.decode()


def test_the_page_says_the_questions_in_fieldsets_with_legends_and_labelled_ends(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    nps = questions(version)[0]

    page = client.get(answer_url(token)).content.decode()

    assert '<html lang="en">' in page
    assert "<legend" in page
    assert f'aria-describedby="id_{field(nps)}_ends' in page
    assert "0 = Low" in page
    assert "10 = High" in page
    assert "Send my answers" not in page  # more to come on the next page
    assert "Next" in page


def test_a_detractor_is_asked_what_to_improve_on_the_next_page(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    _nps, improve, *_rest = questions(version)

    moved = client.post(answer_url(token), page_one(version, 3))
    page = client.get(moved["Location"]).content.decode()

    assert "What should we improve?" in page
    refused = client.post(answer_url(token), page_two(version))
    assert refused.status_code == 200
    assert "Answer this question: it is required." in refused.content.decode()
    assert not Response.objects.get().is_complete
    sent = client.post(answer_url(token), page_two(version, **{field(improve): "Faster replies"}))
    assert sent.status_code == 302
    assert Answer.objects.get(question=improve).text == "Faster replies"


def test_a_score_changed_to_a_promoters_drops_the_detractors_answer(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    _nps, improve, *_rest = questions(version)
    client.post(answer_url(token), page_one(version, 2))
    client.post(
        answer_url(token),
        page_two(version, action="save", **{field(improve): "Faster replies"}),
    )
    assert Answer.objects.filter(question=improve).exists()

    client.post(answer_url(token), page_one(version, 10))

    assert not Answer.objects.filter(question=improve).exists()
    assert client.post(answer_url(token), page_two(version)).status_code == 302
    assert Response.objects.get().is_complete


def test_a_half_finished_survey_is_saved_and_resumed_where_it_stopped(client):
    version = nps_version()
    invitation, token = invite(version=version)
    _nps, _improve, single, *_rest = questions(version)
    client.post(answer_url(token), page_one(version, 8))

    saved = client.post(answer_url(token), {"page": 2, "action": "save", field(single): "price"})

    assert saved.status_code == 200
    page = saved.content.decode()
    assert "Your answers are saved" in page
    expiry = invitation.tokens.get().expires_at
    assert f"{expiry:%-d} {expiry:%B %Y}" in page
    response = Response.objects.get()
    assert not response.is_complete
    assert response.page == 2
    resumed = client.get(answer_url(token)).content.decode()
    assert 'value="price" checked' in resumed
    assert "Page 2 of 2" in resumed
    earlier = client.get(answer_url(token, page=1)).content.decode()
    assert 'value="8" checked' in earlier
    assert client.post(answer_url(token), page_two(version)).status_code == 302
    assert Response.objects.get().is_complete


def test_a_page_not_reached_yet_cannot_be_opened(client):
    _invitation, token = invite()

    page = client.get(answer_url(token, page=2)).content.decode()

    assert "Page 1 of 2" in page


def test_a_double_post_stores_one_response_and_shows_the_thanks(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    client.post(answer_url(token), page_one(version, 9))
    client.post(answer_url(token), page_two(version))
    stored = list(Answer.objects.values_list("pk", "question_id", "score", "text"))

    again = client.post(answer_url(token), page_two(version, **{field(questions(version)[4]): "x"}))

    assert again.status_code == 302
    assert again["Location"].startswith(thanks_url(token))
    assert Response.objects.count() == 1
    assert list(Answer.objects.values_list("pk", "question_id", "score", "text")) == stored


def test_a_reminders_link_and_the_first_lead_to_one_response(client):
    version = nps_version()
    invitation, first = invite(version=version)
    reminder = reminder_token(invitation)

    client.post(answer_url(first), page_one(version, 9))
    resumed = client.get(answer_url(reminder)).content.decode()
    assert "Page 2 of 2" in resumed
    sent = client.post(answer_url(reminder), page_two(version))

    assert sent.status_code == 302
    response = Response.objects.get()
    assert response.is_complete
    assert response.token.kind == "reminder"
    assert used_times() == [None, response.completed_at]
    assert client.get(answer_url(first)).status_code == 200
    assert "already answered" in client.get(answer_url(first)).content.decode()


def test_a_used_link_takes_no_new_answers(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    client.post(answer_url(token), page_one(version, 9))
    client.post(answer_url(token), page_two(version))
    before = counts()

    client.post(answer_url(token), page_one(version, 0))

    assert counts() == before
    assert Answer.objects.get(question=questions(version)[0]).score == 9
    assert "You have already answered" in client.get(answer_url(token)).content.decode()


def test_the_thanks_page_waits_for_the_sent_survey(client):
    _invitation, token = invite()

    early = client.get(thanks_url(token))

    assert early.status_code == 302
    assert early["Location"].startswith(answer_url(token))
    assert client.get(thanks_url("nonsense")).status_code == 404


def test_a_single_page_survey_is_sent_from_its_only_page(client):
    version = VersionFactory()
    only = QuestionFactory(version=version, kind=Question.Kind.CSAT)
    approve(version)
    _invitation, token = invite(version=version)

    page = client.get(answer_url(token)).content.decode()
    assert "Send my answers" in page
    assert "Page 1 of" not in page
    sent = client.post(answer_url(token), {"page": 1, "action": "send", field(only): 5})

    assert sent.status_code == 302
    assert Response.objects.get().is_complete


def test_the_answer_page_makes_a_fixed_number_of_queries(client, django_assert_num_queries):
    version = nps_version()
    _invitation, token = invite(version=version)
    client.post(answer_url(token), page_one(version, 9))

    # The link with its invitation, contact, version and response; the questions;
    # the saved answers.
    with django_assert_num_queries(3):
        page = client.get(answer_url(token))

    assert page.status_code == 200


def conditional_only_version():
    """Return a version whose second page only asks detractors, then a third page."""
    version = VersionFactory()
    nps = QuestionFactory(version=version, position=1, kind=Question.Kind.NPS)
    improve = QuestionFactory(
        version=version,
        position=2,
        kind=Question.Kind.TEXT,
        show_if=nps,
        show_if_min=0,
        show_if_max=6,
    )
    last = QuestionFactory(version=version, position=3, kind=Question.Kind.CSAT, starts_page=True)
    return approve(version), nps, improve, last


def test_a_page_with_nothing_to_show_is_skipped_on_the_server(client):
    version, nps, improve, last = conditional_only_version()
    assert len(version.pages()) == 3
    _invitation, token = invite(version=version)

    moved = client.post(answer_url(token), {"page": 1, "action": "next", field(nps): 9})

    assert "page=3" in moved["Location"]
    third = client.get(moved["Location"]).content.decode()
    assert "Page 3 of 3" in third
    assert field(improve) not in third
    back = client.get(answer_url(token, page=2)).content.decode()
    assert "Page 3 of 3" in back  # the skipped page cannot be opened either
    sent = client.post(answer_url(token), {"page": 3, "action": "send", field(last): 4})
    assert sent.status_code == 302
    assert Response.objects.get().is_complete


def test_a_page_whose_score_may_open_another_says_next_and_the_score_decides(client):
    version = VersionFactory()
    nps = QuestionFactory(version=version, position=1, kind=Question.Kind.NPS)
    improve = QuestionFactory(
        version=version,
        position=2,
        kind=Question.Kind.TEXT,
        show_if=nps,
        show_if_min=0,
        show_if_max=6,
    )
    approve(version)
    promoter, promoter_token = invite(version=version)
    first = client.get(answer_url(promoter_token)).content.decode()
    # Whatever is chosen here may open the detractors' page: the button says so.
    assert 'value="next"' in first
    assert "Send my answers" not in first

    done = client.post(answer_url(promoter_token), {"page": 1, "action": "next", field(nps): 9})

    assert "thanks" in done["Location"]
    assert Response.objects.get(invitation=promoter).is_complete

    detractor, token = invite(version=version)
    moved = client.post(answer_url(token), {"page": 1, "action": "next", field(nps): 2})

    assert "page=2" in moved["Location"]
    assert not Response.objects.get(invitation=detractor).is_complete
    asked = client.get(moved["Location"]).content.decode()
    assert "Send my answers" in asked
    assert f'name="{field(improve)}"' in asked


def test_back_keeps_what_the_page_held_without_requiring_it(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    client.post(answer_url(token), page_one(version, 3))
    _nps, improve, single, *_rest = questions(version)

    # The detractors' question is required; Back leaves it blank and keeps the choice.
    back = client.post(answer_url(token), {"page": 2, "action": "back", field(single): "price"})

    assert back.status_code == 302
    assert "?page=1" in back["Location"]
    assert Answer.objects.get(question=single).choices == ["price"]
    assert not Answer.objects.filter(question=improve).exists()
    assert not Response.objects.get().is_complete
    again = client.get(answer_url(token, page=2)).content.decode()
    assert 'value="price" checked' in again


@pytest.mark.parametrize(("contact_language", "chosen"), [("hi", "en"), ("en", "hi")])
def test_the_language_switch_turns_the_questions_too(client, contact_language, chosen):
    version = nps_version()
    _invitation, token = invite(version=version, language=contact_language)
    nps = questions(version)[0]

    page = client.get(answer_url(token, lang=chosen)).content.decode()

    assert f'<html lang="{chosen}">' in page
    assert nps.text_in(chosen) in page
    assert nps.text_in(contact_language) not in page


def test_a_refused_save_still_marks_the_required_question_required(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    client.post(answer_url(token), page_one(version, 3))
    _nps, improve, *_rest = questions(version)

    page = client.post(
        answer_url(token), {"page": 2, "action": "save", field(improve): "x" * 2001}
    ).content.decode()

    assert 'id="error-summary"' in page
    assert page.count("(required)") == 1


def test_a_number_clicked_in_a_reminder_after_a_partial_save_opens_the_first_page(client):
    version = nps_version()
    invitation, token = invite(version=version)
    client.post(answer_url(token), page_one(version, 9))  # saved part-way, on page 2
    nps = questions(version)[0]
    reminder = reminder_token(invitation)

    page = client.get(answer_url(reminder, score=3)).content.decode()

    assert f'name="{field(nps)}" id="id_{field(nps)}_3" value="3" checked' in page
    assert Answer.objects.get(question=nps).score == 9  # opening records nothing
