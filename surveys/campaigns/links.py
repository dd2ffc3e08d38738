"""Survey and unsubscribe links: made, found and judged here only.

A token is 24 random bytes from ``secrets`` (192 bits), sent in the email and never
stored: the tables keep its SHA-256. Finding a link hashes what the visitor brings,
so an unknown token costs one indexed lookup and reveals nothing.
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from customers.models import Contact
from surveys.campaigns.models import Invitation, InvitationToken, UnsubscribeToken

TOKEN_BYTES = 24
# Longer than this is not a token of ours: refused before any hashing or query.
TOKEN_MAX_LENGTH = 100
# The query parameter of a score chosen in the email ("?score=9"): it only preselects.
SCORE_PARAM = "score"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def survey_token_create(
    *, invitation: Invitation, kind: str = InvitationToken.Kind.FIRST, now: Any = None
) -> tuple[InvitationToken, str]:
    """Make the link of one email for the invitation; return it with its token (the
    only time the token is known)."""
    token = new_token()
    row = InvitationToken.objects.create(
        invitation=invitation,
        kind=kind,
        token_hash=token_hash(token),
        created_at=now or timezone.now(),
        expires_at=InvitationToken.default_expiry(now),
    )
    return row, token


def survey_url(token: str, *, score: int | None = None) -> str:
    """Return the absolute address of the answer page; ``score`` preselects the first
    question's answer (opening it records nothing)."""
    url = _absolute(reverse("surveys_public:answer", args=[token]))
    return f"{url}?{urlencode({SCORE_PARAM: score})}" if score is not None else url


def unsubscribe_tokens_create(
    *, contact: Contact, invitation: Invitation | None = None, now: Any = None
) -> dict[str, str]:
    """Make the two unsubscribe links of one email; return kind -> token."""
    tokens = {}
    for kind in UnsubscribeToken.Kind.values:
        token = new_token()
        UnsubscribeToken.objects.create(
            contact=contact,
            invitation=invitation,
            kind=kind,
            token_hash=token_hash(token),
            created_at=now or timezone.now(),
            expires_at=UnsubscribeToken.default_expiry(now),
        )
        tokens[kind] = token
    return tokens


def unsubscribe_url(token: str) -> str:
    """Return the absolute address of the page that asks to confirm the opt-out."""
    return _absolute(reverse("surveys_public:unsubscribe", args=[token]))


def one_click_url(token: str) -> str:
    """Return the absolute address of the RFC 8058 one-click endpoint."""
    return _absolute(reverse("surveys_public:one_click", args=[token]))


class LinkState(models.TextChoices):
    OPEN = "open", _("Open")
    UNKNOWN = "unknown", _("Unknown")
    EXPIRED = "expired", _("Expired")
    ANSWERED = "answered", _("Already answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


@dataclass(frozen=True)
class SurveyLink:
    """What a survey token opens: its row (None when unknown) and whether it works."""

    state: LinkState
    token: InvitationToken | None = None

    @property
    def invitation(self) -> Invitation | None:
        return self.token.invitation if self.token is not None else None

    @property
    def is_open(self) -> bool:
        return self.state == LinkState.OPEN


def response_of(invitation: Invitation) -> Any:
    """Return the invitation's response, or None (read from ``select_related``)."""
    try:
        return invitation.response
    except ObjectDoesNotExist:
        return None


def link_state(token: InvitationToken, now: Any = None) -> LinkState:
    """Return whether the link works: an answered invitation says so first (whatever
    link of it is used), then a withdrawn one, then the link's own expiry."""
    invitation = token.invitation
    response = response_of(invitation)
    if response is not None and response.completed_at is not None:
        return LinkState.ANSWERED
    if invitation.is_closed:
        return LinkState.WITHDRAWN
    if token.expires_at <= (now or timezone.now()):
        return LinkState.EXPIRED
    return LinkState.OPEN


def survey_link_find(token: str, *, now: Any = None) -> SurveyLink:
    """Return what the token opens. Reading never uses the link: only the post that
    saves answers does (``surveys.responses.services``)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return SurveyLink(LinkState.UNKNOWN)
    row = (
        InvitationToken.objects.select_related(
            "invitation__version__questionnaire",
            "invitation__contact",
            "invitation__customer",
            "invitation__response",
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if row is None:
        return SurveyLink(LinkState.UNKNOWN)
    return SurveyLink(link_state(row, now), row)


def unsubscribe_find(token: str, *, kind: str) -> UnsubscribeToken | None:
    """Return the unexpired unsubscribe link of this kind the token opens, or None."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        UnsubscribeToken.objects.select_related("contact")
        .filter(kind=kind, token_hash=token_hash(token), expires_at__gt=timezone.now())
        .first()
    )
