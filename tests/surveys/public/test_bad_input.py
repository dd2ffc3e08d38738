"""Bad input on the answer page: a clear message in the contact's language, nothing stored."""

import pytest
from django.conf import settings

from surveys.responses.models import Answer, Response
from tests.surveys.factories import invite, nps_version
from tests.surveys.public.conftest import answer_url, counts, field, page_one, page_two, questions

pytestmark = pytest.mark.django_db

TAMPERED = "This page was changed or is out of date, so nothing was saved."


def refused_and_nothing_stored(client, token, data, message, before=None):
    before = before or counts()
    answers = list(Answer.objects.values_list("question_id", "score", "choices", "text"))

    page = client.post(answer_url(token), data)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="error-summary"' in html
    assert message in html
    assert counts() == before
    assert list(Answer.objects.values_list("question_id", "score", "choices", "text")) == answers
    return html


def test_a_missing_required_answer_is_refused(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    nps = questions(version)[0]

    html = refused_and_nothing_stored(
        client, token, {"page": 1, "action": "next"}, "Answer this question: it is required."
    )

    assert f'href="#id_{field(nps)}_0"' in html
    assert not Response.objects.exists()


@pytest.mark.parametrize("score", [11, -1, "nine", 9.5])
def test_an_out_of_range_score_is_refused(client, score):
    version = nps_version()
    _invitation, token = invite(version=version)

    refused_and_nothing_stored(
        client, token, page_one(version, score), "Choose a number from 0 to 10."
    )


@pytest.mark.parametrize("which", ["single", "multiple"])
def test_a_choice_not_offered_is_refused(client, which):
    version = nps_version()
    _invitation, token = invite(version=version)
    client.post(answer_url(token), page_one(version, 9))
    _nps, _improve, single, multiple, _text = questions(version)
    bad = {field(single): "free-lunch"} if which == "single" else {field(multiple): ["portal", "x"]}

    refused_and_nothing_stored(
        client, token, page_two(version, **bad), "Choose one of the answers offered."
    )
    assert not Response.objects.get().is_complete


def test_an_oversized_free_text_is_refused(client):
    version = nps_version()
    _invitation, token = invite(version=version)
    client.post(answer_url(token), page_one(version, 9))
    text = questions(version)[4]
    limit = settings.SURVEY_TEXT_MAX_LENGTH

    refused_and_nothing_stored(
        client,
        token,
        page_two(version, **{field(text): "x" * (limit + 1)}),
        "Write at most",
    )


@pytest.mark.parametrize(
    "tamper",
    ["unknown-field", "other-version", "hidden-question", "page-too-far", "page-zero", "action"],
)
def test_a_tampered_form_is_refused(client, tamper):
    version = nps_version()
    _invitation, token = invite(version=version)
    other = nps_version()
    nps, improve, *_rest = questions(version)
    data = page_one(version, 9)
    if tamper == "unknown-field":
        data["admin"] = "1"
    elif tamper == "other-version":
        data[field(questions(other)[0])] = 3
    elif tamper == "hidden-question":
        client.post(answer_url(token), data)
        data = page_two(version, **{field(improve): "I was not asked this"})
    elif tamper == "page-too-far":
        data = page_two(version)
    elif tamper == "page-zero":
        data["page"] = 0
    else:
        data["action"] = "delete"

    html = refused_and_nothing_stored(client, token, data, TAMPERED)

    assert f'name="{field(nps)}"' in html or f'name="{field(improve)}"' not in html


def test_a_post_to_a_closed_link_stores_nothing(client):
    version = nps_version()
    invitation, token = invite(version=version)
    invitation.tokens.update(expires_at="2000-01-01T00:00:00Z")
    before = counts()

    page = client.post(answer_url(token), page_one(version, 9))

    assert page.status_code == 410
    assert counts() == before


@pytest.mark.parametrize("repeated", ["score", "single", "page", "action"])
def test_a_value_given_twice_where_one_is_asked_is_refused(client, repeated):
    version = nps_version()
    _invitation, token = invite(version=version)
    nps, _improve, single, *_rest = questions(version)
    if repeated == "single":
        client.post(answer_url(token), page_one(version, 9))
        data = {"page": 2, "action": "send", field(single): ["price", "quality"]}
    else:
        data = {"page": 1, "action": "next", field(nps): 9}
        key = field(nps) if repeated == "score" else repeated
        data[key] = [data[key], data[key]]

    refused_and_nothing_stored(client, token, data, TAMPERED)
