"""Helpers of the public survey pages' tests: addresses, posts, counting what is stored."""

from typing import Any

from core.models import OutboundEmail
from surveys.campaigns.models import Invitation, InvitationToken, UnsubscribeToken
from surveys.design.models import Question, QuestionnaireVersion
from surveys.responses.models import Answer, Response

# Every table a visit could write to: a GET must leave each count as it was.
TABLES = (Response, Answer, InvitationToken, UnsubscribeToken, Invitation, OutboundEmail)


def answer_url(token: str, **query: Any) -> str:
    url = f"/p/survey/{token}/"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def thanks_url(token: str) -> str:
    return f"/p/survey/{token}/thanks/"


def questions(version: QuestionnaireVersion) -> list[Question]:
    return version.ordered_questions()


def field(question: Question) -> str:
    return f"q{question.pk}"


def counts() -> dict[str, int]:
    return {table.__name__: table.objects.count() for table in TABLES}


def used_times() -> list[Any]:
    return list(InvitationToken.objects.order_by("pk").values_list("used_at", flat=True))


def page_one(version: QuestionnaireVersion, score: int = 9, **changes: Any) -> dict[str, Any]:
    """Return a post of the first page (the NPS of ``nps_version``)."""
    nps = questions(version)[0]
    return {"page": 1, "action": "next", field(nps): score, **changes}


def page_two(version: QuestionnaireVersion, **changes: Any) -> dict[str, Any]:
    """Return a post that sends the second page of ``nps_version`` (a promoter's:
    the detractors' question is not on it)."""
    _nps, _improve, single, multiple, text = questions(version)
    return {
        "page": 2,
        "action": "send",
        field(single): "quality",
        field(multiple): ["portal", "email"],
        field(text): "Keep it up.",
        **changes,
    }
