"""Responses written straight into the tables, for the staff pages' tests (the public
answer page and its service are tested on their own)."""

from typing import Any

from django.utils import timezone

from surveys.campaigns.models import Invitation
from surveys.responses.models import Answer, Response


def respond(
    invitation: Invitation,
    *,
    score: int = 9,
    text: str = "",
    choices: list[str] | None = None,
    complete: bool = True,
) -> Response:
    """Answer every question the invitation's version shows for ``score``: each score
    question with it, each text question with ``text`` (when given), each choice
    question with the ``choices`` it offers."""
    now = timezone.now()
    response = Response.objects.create(
        invitation=invitation,
        version=invitation.version,
        contact=invitation.contact,
        customer=invitation.customer,
        language=invitation.language,
        completed_at=now if complete else None,
    )
    scores: dict[int, Any] = {}
    for question in invitation.version.ordered_questions():
        if not question.shown_for(scores):
            continue
        if question.is_score:
            Answer.objects.create(response=response, question=question, score=score)
            scores[question.pk] = score
        elif question.is_choice and choices:
            offered = [code for code in choices if code in question.choice_codes()]
            if offered:
                Answer.objects.create(
                    response=response,
                    question=question,
                    choices=offered[:1] if question.kind == "single" else offered,
                )
        elif question.kind == "text" and text:
            Answer.objects.create(response=response, question=question, text=text)
    return response
