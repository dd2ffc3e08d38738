"""Links that take no answers: each shows a clear page in the contact's language and
stores nothing; random tokens open nothing."""

import secrets
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from surveys.campaigns.services import invitation_withdraw
from tests.factories import UserFactory
from tests.surveys.factories import invite, nps_version
from tests.surveys.public.conftest import answer_url, counts, page_one, page_two

pytestmark = pytest.mark.django_db

TEXTS = {
    "expired": ("This survey link has expired", "यह सर्वेक्षण लिंक समाप्त हो चुका है"),
    "withdrawn": ("This survey is closed", "यह सर्वेक्षण बंद है"),
    "answered": ("You have already answered this survey", "आप इस सर्वेक्षण का उत्तर दे चुके हैं"),
}


def closed_link(client, state, language):
    """Return the token of a link in ``state`` for a contact speaking ``language``."""
    version = nps_version()
    invitation, token = invite(version=version, language=language)
    if state == "answered":
        client.post(answer_url(token), page_one(version, 9))
        client.post(answer_url(token), page_two(version))
    elif state == "withdrawn":
        invitation_withdraw(invitation=invitation, by=UserFactory(), reason="Sent by mistake")
    return token, version


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize(
    ("state", "status"), [("expired", 410), ("withdrawn", 410), ("answered", 200)]
)
def test_a_closed_link_says_why_in_the_contacts_language_and_stores_nothing(
    client, state, status, language
):
    token, version = closed_link(client, state, language)
    later = timezone.now() + timedelta(days=31 if state == "expired" else 0)
    before = counts()

    with time_machine.travel(later):
        shown = client.get(answer_url(token))
        posted = client.post(answer_url(token), page_one(version, 0))

    assert shown.status_code == status
    page = shown.content.decode()
    assert f'<html lang="{language}">' in page
    assert TEXTS[state][0 if language == "en" else 1] in page
    assert posted.status_code == (302 if state == "answered" else status)
    assert counts() == before


@pytest.mark.parametrize("language", ["en", "hi"])
def test_an_unknown_link_speaks_the_browsers_language(client, language):
    before = counts()

    page = client.get(answer_url("not-a-token"), HTTP_ACCEPT_LANGUAGE=language)

    assert page.status_code == 404
    assert f'<html lang="{language}">' in page.content.decode()
    assert counts() == before


def test_random_tokens_open_nothing_through_the_page(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public.survey": (1000, 60 * 60)}
    # 10,000 through the lookup are in tests/surveys/campaigns/test_links.py; the page
    # is slower, so a sample of 200 goes through it.
    from django.test import Client  # noqa: PLC0415

    client = Client()
    invite()
    before = counts()

    for _ in range(200):
        token = secrets.token_urlsafe(24)
        assert client.get(answer_url(token)).status_code == 404
        assert client.post(answer_url(token), {"page": 1}).status_code == 404

    assert counts() == before


def test_an_erased_contacts_link_opens_nothing(client):
    invitation, token = invite()
    invitation.contact.__class__.objects.filter(pk=invitation.contact_id).update(
        erased_at=timezone.now()
    )

    assert client.get(answer_url(token)).status_code == 410
