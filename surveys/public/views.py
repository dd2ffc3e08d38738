"""The pages customers answer surveys and unsubscribe on (under /p/, no login).

Opening any of them never writes: mail scanners and link checkers open links. Only
the post that saves answers uses a survey link (``response_save``), and only a post
records an opt-out. Every page speaks the contact's language; a link that opens
nothing speaks the browser's.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core.public import LANGUAGE_PARAM, public_page, render_public
from surveys.campaigns import links
from surveys.campaigns.links import LinkState, SurveyLink
from surveys.campaigns.models import UnsubscribeToken
from surveys.campaigns.services import contact_unsubscribe
from surveys.design.models import DEFAULT_LANGUAGE, LANGUAGE_CODES, Question, QuestionnaireVersion
from surveys.responses.forms import (
    ACTIONS,
    BACK,
    KEEP_ONLY,
    NEXT,
    SAVE,
    TAMPERED,
    AnswerForm,
    field_name,
)
from surveys.responses.models import Answer, Response
from surveys.responses.paging import Paging, scores_of
from surveys.responses.services import LinkNotOpen, response_save

PAGE_PARAM = "page"
# The status of the page each closed link shows: a link that never existed is not
# found; one that existed and stopped working is gone; an answered survey is a
# thank-you, not an error.
CLOSED_STATUS = {
    LinkState.UNKNOWN: 404,
    LinkState.EXPIRED: 410,
    LinkState.WITHDRAWN: 410,
    LinkState.ANSWERED: 200,
}
ONE_CLICK_BODY = ("List-Unsubscribe", "One-Click")


def _link(request: HttpRequest, token: str) -> SurveyLink:
    """Return what the token opens, read once per request."""
    if not hasattr(request, "_survey_link"):
        request._survey_link = links.survey_link_find(token)  # type: ignore[attr-defined]
    return request._survey_link  # type: ignore[attr-defined]


def _survey_language(request: HttpRequest, token: str) -> str | None:
    invitation = _link(request, token).invitation
    return invitation.language if invitation is not None else None


def _unsubscribe_link(request: HttpRequest, token: str, kind: str) -> UnsubscribeToken | None:
    """Return the unsubscribe link the token opens, read once per request; a link of
    an erased or void contact opens nothing."""
    if not hasattr(request, "_unsubscribe_link"):
        link = links.unsubscribe_find(token, kind=kind)
        if link is not None and (link.contact.erased_at is not None or link.contact.is_voided):
            link = None
        request._unsubscribe_link = link  # type: ignore[attr-defined]
    return request._unsubscribe_link  # type: ignore[attr-defined]


def _page_language(request: HttpRequest, token: str) -> str | None:
    link = _unsubscribe_link(request, token, UnsubscribeToken.Kind.PAGE)
    return link.contact.language if link is not None else None


def _one_click_language(request: HttpRequest, token: str) -> str | None:
    link = _unsubscribe_link(request, token, UnsubscribeToken.Kind.ONE_CLICK)
    return link.contact.language if link is not None else None


def _with_language(path: str, **query: Any) -> str:
    return f"{path}?{urlencode({**query, LANGUAGE_PARAM: translation.get_language()})}"


def _closed(request: HttpRequest, state: LinkState) -> HttpResponse:
    """Return the page of a link that takes no answers, saying why; nothing is stored."""
    return render_public(
        request, "surveys/public/closed.html", {"state": state}, status=CLOSED_STATUS[state]
    )


def mask_email(email: str) -> str:
    """Return an address with most of its local part hidden (a@example.in -> a•••@...)."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _initial(questions: list[Question], answers: list[Answer]) -> dict[str, Any]:
    """Return the page's form values from the saved answers."""
    saved = {answer.question_id: answer for answer in answers}
    initial: dict[str, Any] = {}
    for question in questions:
        answer = saved.get(question.pk)
        if answer is None:
            continue
        if question.is_score:
            initial[field_name(question)] = str(answer.score)
        elif question.kind == Question.Kind.SINGLE:
            initial[field_name(question)] = answer.choices[0] if answer.choices else ""
        elif question.is_choice:
            initial[field_name(question)] = answer.choices
        else:
            initial[field_name(question)] = answer.text
    return initial


def _score_chosen(request: HttpRequest, paging: Paging, number: int) -> dict[str, str]:
    """Return the first question's value chosen in the email (``?score=``), when it is
    a score on this page and in its scale; anything else is ignored."""
    score = _int(request.GET.get(links.SCORE_PARAM))
    questions = paging.questions()
    if score is None or not questions or not questions[0].is_score:
        return {}
    first = questions[0]
    low, high = first.scale() or (0, 0)
    if number != 1 or not low <= score <= high:
        return {}
    return {field_name(first): str(score)}


@dataclass
class _Survey:
    """What one request to the answer page works with."""

    link: SurveyLink
    token: str
    version: QuestionnaireVersion
    paging: Paging
    saved: list[Answer]
    scores: dict[int, int]
    reached: int
    default: int

    def form(
        self, request: HttpRequest, number: int, data: Any = None, partial: bool = False
    ) -> AnswerForm:
        """Return the form of page ``number`` with the saved answers (the email's score
        preselected on an unposted first page)."""
        questions = self.paging.shown(number, self.scores)
        initial = {"page": number, **_initial(questions, self.saved)}
        if data is None:
            initial.update(_score_chosen(request, self.paging, number))
        return AnswerForm(
            data,
            questions=questions,
            language=self.language,
            pages=self.reached,
            partial=partial,
            initial=initial,
        )

    @property
    def language(self) -> str:
        """Return the page's language: the one the visitor chose with the switch, else
        the invitation's (``PublicPagesMiddleware`` activated it). The questions are
        in the database in every language, so the whole page follows the switch."""
        current = translation.get_language()
        if current in LANGUAGE_CODES:
            return current
        invitation = self.link.invitation
        return invitation.language if invitation is not None else DEFAULT_LANGUAGE


@public_page(limit="public.survey", language=_survey_language)
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """A page of the survey a link opens: shown on GET, saved on POST."""
    link = _link(request, token)
    if link.state == LinkState.ANSWERED and request.method == "POST":
        # A double click or a retried post of a sent survey: it is answered already.
        return redirect(_with_language(reverse("surveys_public:thanks", args=[token])))
    if link.state != LinkState.OPEN or link.invitation is None:
        return _closed(request, link.state)
    invitation = link.invitation
    version = invitation.version
    # The questions in one query; the version came with the link.
    prefetch_related_objects([version], Prefetch("questions", queryset=Question.objects.order_by()))
    paging = Paging.of(version)
    response = links.response_of(invitation)
    saved = list(response.answers.all()) if response is not None else []
    scores = scores_of(saved)
    reached = min(response.page if response is not None else 1, paging.count)
    survey = _Survey(
        link=link,
        token=token,
        version=version,
        paging=paging,
        saved=saved,
        scores=scores,
        reached=reached,
        default=reached if paging.shown(reached, scores) else paging.first_page(),
    )
    if request.method == "POST":
        return _answer_post(request, survey)
    # A number chosen in an email (a reminder's, after a part-way save too) opens the
    # first page with it chosen; otherwise the page reached.
    clicked = bool(_score_chosen(request, paging, 1))
    number = _int(request.GET.get(PAGE_PARAM)) or (1 if clicked else survey.default)
    if not 1 <= number <= reached or not paging.shown(number, scores):
        number = survey.default
    return _answer_page(request, survey, survey.form(request, number), number=number)


def _answer_post(request: HttpRequest, survey: _Survey) -> HttpResponse:  # noqa: PLR0911 (one outcome each)
    """Save the posted page and move on, or show it again with what is wrong."""
    number = _int(request.POST.get("page")) or 0
    action = request.POST.get("action", NEXT)
    form = survey.form(request, number, request.POST, partial=action in KEEP_ONLY)
    if action not in ACTIONS or (
        not form.is_valid() and form.has_error(NON_FIELD_ERRORS, "tampered")
    ):
        # A post not made with this page: the page reached, fresh, says so.
        return _answer_page(
            request,
            survey,
            survey.form(request, survey.default),
            number=survey.default,
            refusal=TAMPERED,
        )
    if not form.is_valid():
        return _answer_page(request, survey, form, number=number)
    posted = form.answers()
    after = {
        **{pk: s for pk, s in survey.scores.items() if pk not in posted},
        **{pk: v for pk, v in posted.items() if isinstance(v, int)},
    }
    following = survey.paging.next_page(number, after)
    try:
        response = response_save(
            token=survey.link.token,  # type: ignore[arg-type]  # an open link has its row
            page=number,
            answers=posted,
            submit=following is None and action not in KEEP_ONLY,
        )
    except LinkNotOpen as refused:
        return _closed(request, refused.state)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _answer_page(request, survey, form, number=number)
    if response.is_complete:
        return redirect(_with_language(reverse("surveys_public:thanks", args=[survey.token])))
    if action == SAVE:
        return render_public(request, "surveys/public/saved.html", {"link": survey.link.token})
    path = reverse("surveys_public:answer", args=[survey.token])
    if action == BACK:
        # Back keeps what the page held (nothing required yet) and opens the page before.
        previous = survey.paging.previous_page(number, after) or number
        return redirect(_with_language(path, **{PAGE_PARAM: previous}))
    return redirect(_with_language(path, **{PAGE_PARAM: following}))


def _answer_page(
    request: HttpRequest,
    survey: _Survey,
    form: AnswerForm,
    *,
    number: int,
    refusal: Any = None,
) -> HttpResponse:
    language = translation.get_language()
    paging, scores = survey.paging, survey.scores
    previous = paging.previous_page(number, scores)
    return render_public(
        request,
        "surveys/public/answer.html",
        {
            "form": form,
            "refusal": refusal,
            "title": survey.version.title_in(language),
            "intro": survey.version.text(language, "intro")
            if number == paging.first_page()
            else "",
            "items": items_of(form, language),
            "number": number,
            "count": paging.count,
            # "Send my answers" only where no later page can be shown whatever is
            # chosen here; on "Next", a choice that opens no later page sends.
            "last": not paging.may_follow(number, scores),
            "back": previous is not None,
        },
    )


def scores_of_form(form: AnswerForm) -> dict[int, int]:
    """Return the scores the form shows chosen (posted, or saved)."""
    scores = {}
    for question in form.questions:
        value = _int(form[field_name(question)].value()) if question.is_score else None
        if value is not None:
            scores[question.pk] = value
    return scores


def items_of(form: AnswerForm, language: str) -> list[dict[str, Any]]:
    """Return what the template shows of each question: its field and its words."""
    items = []
    for question in form.questions:
        low, high = question.scale() or (None, None)
        items.append(
            {
                "question": question,
                "field": form[field_name(question)],
                "kind": "score" if question.is_score else question.kind,
                "low": low,
                "high": high,
                "low_label": question.text_in(language, "low"),
                "high_label": question.text_in(language, "high"),
            }
        )
    return items


@public_page(limit="public.survey", language=_survey_language)
@require_safe
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """The thank-you page of a sent survey, in the version's own words."""
    link = _link(request, token)
    invitation = link.invitation
    response: Response | None = links.response_of(invitation) if invitation else None
    if invitation is None:
        return _closed(request, link.state)
    if response is None or not response.is_complete:
        return redirect(_with_language(reverse("surveys_public:answer", args=[token])))
    language = translation.get_language()
    return render_public(
        request,
        "surveys/public/thanks.html",
        {
            "title": invitation.version.title_in(language),
            "thanks": invitation.version.text(language, "thanks"),
        },
    )


def _unsubscribe_page(
    request: HttpRequest, link: UnsubscribeToken | None, *, one_click: bool
) -> HttpResponse:
    """Show the confirmation, or, after the post, the opt-out recorded."""
    if link is None:
        return render_public(request, "surveys/public/unsubscribe_gone.html", status=404)
    contact = link.contact
    if request.method == "POST":
        if one_click and request.POST.get(ONE_CLICK_BODY[0]) != ONE_CLICK_BODY[1]:
            return render_public(
                request,
                "surveys/public/unsubscribe.html",
                {"email": mask_email(contact.email), "one_click": one_click, "refused": True},
                status=400,
            )
        contact = contact_unsubscribe(link=link)
    if contact.opted_out:
        return render_public(request, "surveys/public/unsubscribed.html", {"contact": contact})
    return render_public(
        request,
        "surveys/public/unsubscribe.html",
        {"email": mask_email(contact.email), "one_click": one_click},
    )


@public_page(limit="public.unsubscribe", language=_page_language)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Ask to confirm the opt-out; the post (with its CSRF token) records it."""
    link = _unsubscribe_link(request, token, UnsubscribeToken.Kind.PAGE)
    return _unsubscribe_page(request, link, one_click=False)


# RFC 8058: mail clients post "List-Unsubscribe=One-Click" here without cookies, so
# the endpoint cannot ask for a CSRF token; its own token, from the email's header,
# is what proves the request. A GET only shows the confirmation (RFC 8058 forbids
# unsubscribing on GET: scanners follow links).
@csrf_exempt
@public_page(limit="public.one_click", language=_one_click_language)
@require_http_methods(["GET", "HEAD", "POST"])
def one_click(request: HttpRequest, token: str) -> HttpResponse:
    """Record the opt-out a mail client's one-click request asks for."""
    link = _unsubscribe_link(request, token, UnsubscribeToken.Kind.ONE_CLICK)
    return _unsubscribe_page(request, link, one_click=True)
