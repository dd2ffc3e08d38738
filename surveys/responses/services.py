"""The one write a customer makes: saving the answers of a survey page.

Opening a link never writes (mail scanners open links); only the post that saves
answers does, through ``response_save``. One response per invitation is the
database's rule (``Response.invitation`` is one-to-one): any link of the invitation,
a double click or a retried post all reach the same row, and once it is submitted
nothing more is stored.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.records import lock_stored
from surveys.campaigns import links
from surveys.campaigns.links import LinkState
from surveys.campaigns.models import InvitationToken
from surveys.design.models import Question
from surveys.responses.models import Answer, Response
from surveys.responses.paging import Paging, scores_of

# What a page's form gives for one question: a score, the codes chosen, a text, or
# nothing (None, [] or "": the answer is left blank, and a stored one is removed).
AnswerValue = int | list[str] | str | None


class LinkNotOpen(Exception):
    """The link cannot take answers: expired, withdrawn, or its survey is answered."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(state)
        self.state = state


def _fields_of(question: Question, value: AnswerValue) -> dict[str, Any] | None:
    """Return the answer's stored fields for a value, or None when it is blank."""
    if value is None or value in ("", []):
        return None
    if question.is_score:
        scale = question.scale() or (0, 0)
        # A bool is an int to Python, not a score to anyone.
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not scale[0] <= value <= scale[1]
        ):
            raise ValidationError(_("A score is out of its scale."))
        return {"score": value, "choices": [], "text": ""}
    if question.is_choice:
        codes = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        offered = question.choice_codes()
        if (
            not codes
            or not all(isinstance(c, str) and c in offered for c in codes)
            or (question.kind == Question.Kind.SINGLE and len(codes) > 1)
        ):
            raise ValidationError(_("A choice was not one of those offered."))
        return {"score": None, "choices": codes, "text": ""}
    if not isinstance(value, str):
        raise ValidationError(_("A free-text answer must be text."))
    if len(value) > settings.SURVEY_TEXT_MAX_LENGTH:
        raise ValidationError(
            _("An answer is longer than %(limit)s characters.")
            % {"limit": settings.SURVEY_TEXT_MAX_LENGTH}
        )
    return {"score": None, "choices": [], "text": value}


def _response_for(token: InvitationToken, *, now: Any) -> Response:
    """Return the invitation's response, made now if it has none yet."""
    invitation = token.invitation
    found = Response.objects.filter(invitation=invitation).first()
    if found is not None:
        return found
    try:
        # A savepoint: should another request have made it first, the unique
        # invitation refuses this one and the transaction goes on with theirs.
        with transaction.atomic():
            return Response.objects.create(
                invitation=invitation,
                version=invitation.version,
                contact=invitation.contact,
                customer=invitation.customer,
                language=invitation.language,
                token=token,
                started_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return Response.objects.get(invitation=invitation)


def _drop_hidden(response: Response, paging: Paging) -> list[Answer]:
    """Delete the answers to questions a changed score now hides; return those kept.

    In question order, so a question hidden in turn by a hidden one goes too.
    """
    answers = {answer.question_id: answer for answer in response.answers.all()}
    scores: dict[int, int] = {}
    dropped = []
    for question in paging.questions():
        answer = answers.get(question.pk)
        if answer is None:
            continue
        if not question.shown_for(scores):
            dropped.append(answer.pk)
            del answers[question.pk]
        elif answer.score is not None:
            scores[question.pk] = answer.score
    if dropped:
        Answer.objects.filter(pk__in=dropped).delete()
    return list(answers.values())


@transaction.atomic
def response_save(
    *,
    token: InvitationToken,
    page: int,
    answers: Mapping[int, AnswerValue],
    submit: bool,
    now: Any = None,
) -> Response:
    """Save the answers of one page of the survey a link opens; ``submit`` sends
    the whole survey (the customer's last page).

    ``answers`` maps each question shown on the page to its value (``AnswerValue``);
    a question of the page left out is left blank. The link is judged again here,
    under the invitation's lock: one that cannot take answers raises ``LinkNotOpen``,
    except that a submitted response is returned unchanged (a double click or a
    retried post stores nothing more). Answers that do not fit their question, and a
    submission missing a required answer, raise ``ValidationError`` and store nothing.
    """
    now = now or timezone.now()
    lock_stored(token.invitation)
    stored = InvitationToken.objects.select_related(
        "invitation__version__questionnaire", "invitation__contact", "invitation__customer"
    ).get(pk=token.pk)
    state = links.link_state(stored, now)
    if state == LinkState.ANSWERED:
        return Response.objects.get(invitation_id=stored.invitation_id)
    if state != LinkState.OPEN:
        raise LinkNotOpen(state)
    paging = Paging.of(stored.invitation.version)
    if not 1 <= page <= paging.count:
        raise ValidationError(_("This page is not part of the survey."))
    on_page = {question.pk: question for question in paging.pages[page - 1]}
    if set(answers) - set(on_page):
        raise ValidationError(_("An answer is to a question not on this page."))
    fields = {pk: _fields_of(on_page[pk], answers.get(pk)) for pk in on_page}

    response = lock_stored(_response_for(stored, now=now))
    if response.is_complete:
        return response
    for question_id, values in fields.items():
        if values is None:
            Answer.objects.filter(response=response, question_id=question_id).delete()
        else:
            Answer.objects.update_or_create(
                response=response, question_id=question_id, defaults={**values, "answered_at": now}
            )
    kept = _drop_hidden(response, paging)
    scores = scores_of(kept)
    if submit and (missing := paging.missing((a.question_id for a in kept), scores)):
        raise ValidationError(
            _("Some required questions have no answer yet: %(questions)s")
            % {"questions": ", ".join(q.text_in(response.language) for q in missing)}
        )
    reached = paging.next_page(page, scores) or page
    response.page = max(response.page, reached)
    response.updated_at, response.token = now, stored
    update = ["page", "updated_at", "token"]
    if submit:
        response.completed_at = now
        update.append("completed_at")
        InvitationToken.objects.filter(pk=stored.pk, used_at__isnull=True).update(used_at=now)
    response.save(update_fields=update)
    return response
