"""Survey links: random, hashed at rest, each email's own expiry, judged on reading."""

import hashlib
import secrets
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import OutboundEmail
from surveys.campaigns import links
from surveys.campaigns.links import LinkState
from surveys.campaigns.models import InvitationToken
from tests.surveys.factories import invite, reminder_token

pytestmark = pytest.mark.django_db


def test_token_has_at_least_128_bits_and_only_its_hash_is_stored():
    invitation, token = invite()
    assert len(token) >= 22  # 128 bits in URL-safe base64
    assert links.TOKEN_BYTES * 8 >= 128
    row = InvitationToken.objects.get(invitation=invitation)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not InvitationToken.objects.filter(token_hash=token).exists()


def test_each_email_gets_its_own_link_with_its_own_expiry():
    invitation, first = invite()
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        second = reminder_token(invitation)
    rows = list(InvitationToken.objects.filter(invitation=invitation).order_by("pk"))
    assert len(rows) == 2
    assert rows[1].expires_at - rows[0].expires_at >= timedelta(days=10)
    assert links.survey_link_find(first).token == rows[0]
    assert links.survey_link_find(second).token == rows[1]


def test_link_expires_after_its_validity(settings):
    settings.SURVEY_LINK_VALID_DAYS = 30
    _invitation, token = invite()
    assert links.survey_link_find(token).state == LinkState.OPEN
    later = timezone.now() + timedelta(days=30, seconds=1)
    assert links.survey_link_find(token, now=later).state == LinkState.EXPIRED


def test_random_tokens_are_all_unknown():
    invite()
    for _ in range(10_000):
        assert links.survey_link_find(secrets.token_urlsafe(24)).state == LinkState.UNKNOWN


def test_invitation_email_carries_score_links_and_unsubscribe_headers():
    invitation, token = invite()
    email = OutboundEmail.objects.get(object_id=str(invitation.pk), purpose="survey invitation")
    for score in range(11):
        assert links.survey_url(token, score=score) in email.body_html.replace("&amp;", "&")
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.headers["List-Unsubscribe"].startswith("<http")
    assert "/p/unsubscribe/one-click/" in email.headers["List-Unsubscribe"]
    assert "/p/unsubscribe/" in email.body_text
