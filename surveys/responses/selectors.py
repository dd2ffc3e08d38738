"""Reads of responses that several pages share: the list, a response's page, the
header search and the customer's timeline."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.expressions import among
from core.registries import TimelineEntry
from customers.models import Contact, Customer
from surveys.design.models import DEFAULT_LANGUAGE, Question
from surveys.responses.models import Answer, Response


def response_list() -> QuerySet[Response]:
    """The responses with what the list shows of each joined in, newest first."""
    return Response.objects.select_related(
        "version__questionnaire", "contact", "customer"
    ).order_by("-started_at", "-pk")


def responses_matching(text: str, responses: QuerySet) -> QuerySet:
    """Return the responses whose contact (name or address), customer or free-text
    answers hold the text: each found through its own index, their keys put together
    (``UNION``) and the responses read by key, so no join multiplies or scans the rows."""
    text = text.strip()
    if not text:
        return responses
    contacts = Contact.objects.filter(Q(name__icontains=text) | Q(email__icontains=text))
    customers = Customer.objects.filter(name__icontains=text)
    # One key list, not three conditions joined by OR: PostgreSQL would test each row
    # of the list against the others' arrays when it reads the responses in order
    # (ten seconds at 400,000 responses); a key list is a semi-join on the primary key.
    keys = (
        Response.objects.filter(among("contact", contacts))
        .order_by()
        .values("pk")
        .union(
            Response.objects.filter(among("customer", customers)).order_by().values("pk"),
            # The answers through their own (trigram) index.
            Answer.objects.filter(text__icontains=text).order_by().values("response_id"),
        )
    )
    return responses.filter(pk__in=keys)


def response_search(text: str) -> QuerySet[Response]:
    """The header search's responses: those that match, newest first."""
    return responses_matching(
        text, Response.objects.select_related("version__questionnaire", "contact", "customer")
    ).order_by("-started_at", "-pk")


@dataclass(frozen=True)
class AnswerRow:
    """One question of a response as its page shows it."""

    question: Question
    shown: bool
    answer: Answer | None
    # The chosen choices' labels, in English (the staff's language).
    choices: list[str]
    # A score question's lowest and highest score, each with its label.
    scale: tuple[int, int] | None = None
    low: str = ""
    high: str = ""


def response_detail(pk: int) -> tuple[Response, list[AnswerRow]]:
    """Return a response and each question of its version in order with its answer,
    or marked not shown (its condition was not met), in a fixed number of queries."""
    response = Response.objects.select_related(
        "version__questionnaire", "contact", "customer", "invitation", "token"
    ).get(pk=pk)
    questions = list(
        Question.objects.filter(version_id=response.version_id).order_by("position", "pk")
    )
    answers = {answer.question_id: answer for answer in response.answers.all()}
    scores = {qid: answer.score for qid, answer in answers.items() if answer.score is not None}
    rows = []
    for question in questions:
        answer = answers.get(question.pk)
        labels = dict(question.choice_labels(DEFAULT_LANGUAGE))
        rows.append(
            AnswerRow(
                question=question,
                shown=question.shown_for(scores),
                answer=answer,
                choices=[labels.get(code, code) for code in (answer.choices if answer else [])],
                scale=question.scale(),
                low=question.text_in(DEFAULT_LANGUAGE, "low"),
                high=question.text_in(DEFAULT_LANGUAGE, "high"),
            )
        )
    return response, rows


def timeline_entries(customer: Any) -> list[TimelineEntry]:
    """Return the customer's responses as timeline entries: submitted, or started."""
    rows = (
        Response.objects.filter(customer_id=customer.pk)
        .select_related("version__questionnaire", "contact")
        .order_by("-started_at")[:100]
    )
    return [
        TimelineEntry(
            when=response.completed_at or response.started_at,
            kind="survey",
            title=str(
                (
                    _("Survey answered: %(version)s")
                    if response.completed_at
                    else _("Survey started, not submitted: %(version)s")
                )
                % {"version": response.version}
            ),
            url=response.get_absolute_url(),
            summary=str(response),
            actor=response.contact.name,
        )
        for response in rows
    ]
