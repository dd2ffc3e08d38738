"""The public survey pages' posts are rate-limited per client address, like the
feedback form's; a refused post stores nothing."""

import pytest

from customers.models import Contact
from surveys.campaigns import links
from tests.factories import ContactFactory
from tests.surveys.factories import invite, nps_version
from tests.surveys.public.conftest import answer_url, counts, page_one

pytestmark = pytest.mark.django_db


def test_answer_posts_past_the_limit_get_429_and_store_nothing(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public.survey": (2, 60 * 60)}
    version = nps_version()
    _invitation, token = invite(version=version)
    client.post(answer_url(token), {"page": 1}, REMOTE_ADDR="203.0.113.5")
    client.post(answer_url(token), {"page": 1}, REMOTE_ADDR="203.0.113.5")
    before = counts()

    refused = client.post(answer_url(token), page_one(version, 9), REMOTE_ADDR="203.0.113.5")

    assert refused.status_code == 429
    assert counts() == before
    assert client.get(answer_url(token), REMOTE_ADDR="203.0.113.5").status_code == 200
    other = client.post(answer_url(token), page_one(version, 9), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("limit", "kind", "path"),
    [
        ("public.unsubscribe", "page", "/p/unsubscribe/{}/"),
        ("public.one_click", "one_click", "/p/unsubscribe/one-click/{}/"),
    ],
)
def test_unsubscribe_posts_past_the_limit_get_429_and_change_nothing(
    client, settings, limit, kind, path
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, limit: (1, 60 * 60)}
    contact = ContactFactory()
    token = links.unsubscribe_tokens_create(contact=contact)[kind]
    client.post(path.format("nonsense"), {}, REMOTE_ADDR="203.0.113.5")

    refused = client.post(
        path.format(token), {"List-Unsubscribe": "One-Click"}, REMOTE_ADDR="203.0.113.5"
    )

    assert refused.status_code == 429
    assert not Contact.objects.get(pk=contact.pk).opted_out
