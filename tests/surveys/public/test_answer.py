"""The answer page: shown on GET without a write, saved page by page on POST."""

import pytest

from surveys.responses.models import Answer, Response
from tests.surveys.factories import invite, nps_version
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
