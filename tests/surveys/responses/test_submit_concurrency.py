"""50 posts of the same survey at once store exactly one response (SQLite here; the
PostgreSQL run is in tests/integration/test_survey_concurrency.py)."""

import pytest

from surveys.campaigns.models import InvitationToken
from surveys.responses.models import Answer, Response
from tests.surveys.responses.concurrency import one_page_survey, post_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_concurrent_posts_with_one_token_store_one_response(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public.survey": (1000, 60 * 60)}
    invitation, token, question = one_page_survey()

    statuses = post_at_once(token, {"page": 1, "action": "send", f"q{question.pk}": 4}, 50)

    assert statuses == [302] * 50
    response = Response.objects.get()
    assert response.invitation == invitation
    assert response.is_complete
    assert list(Answer.objects.values_list("score", flat=True)) == [4]
    assert InvitationToken.objects.filter(used_at__isnull=False).count() == 1
