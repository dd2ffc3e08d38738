"""On PostgreSQL, 50 posts of one survey link at once store exactly one response: the
invitation's lock and the one-to-one response decide, not a check in Python."""

import pytest

from surveys.campaigns.models import InvitationToken
from surveys.responses.models import Answer, Response
from tests.surveys.factories import invite, nps_version
from tests.surveys.responses.concurrency import one_page_survey, post_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_concurrent_posts_with_one_token_store_one_response(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public.survey": (1000, 60 * 60)}
    invitation, token, question = one_page_survey()

    statuses = post_at_once(token, {"page": 1, "action": "send", f"q{question.pk}": 2}, 50)

    assert statuses == [302] * 50
    response = Response.objects.get()
    assert response.invitation == invitation
    assert response.is_complete
    assert list(Answer.objects.values_list("score", flat=True)) == [2]
    assert InvitationToken.objects.filter(used_at__isnull=False).count() == 1


def test_fifty_concurrent_first_pages_make_one_response(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public.survey": (1000, 60 * 60)}
    version = nps_version()
    _invitation, token = invite(version=version)
    nps = version.ordered_questions()[0]

    statuses = post_at_once(token, {"page": 1, "action": "next", f"q{nps.pk}": 7}, 50)

    assert statuses == [302] * 50
    response = Response.objects.get()
    assert not response.is_complete
    assert list(Answer.objects.values_list("score", flat=True)) == [7]
