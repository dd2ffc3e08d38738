"""Writes of the design register: questionnaires, their draft versions and questions,
approval, and the next draft.

Only a draft changes. Every edit locks the version's row first and reads its stored
state (``lock_stored``), so an approval and an edit, or two approvals, never both pass
their checks; the refusals are ``Refusal``s with a message a person can act on.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import attribute_change
from core.records import Refusal, ensure_editable, lock_stored
from customers.models import Need
from surveys.design.models import Question, Questionnaire, QuestionnaireVersion

Status = QuestionnaireVersion.Status
UP, DOWN = "up", "down"


# Questionnaires -------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(
    *, by: Any, name: str, kind: str, description: str = "", builtin: str = ""
) -> Questionnaire:
    """Create a questionnaire with its first draft, titled with its name in English.

    ``builtin`` is the key of a questionnaire the product installs (``builtin.py``).
    """
    questionnaire = Questionnaire(
        name=name, kind=kind, description=description, builtin=builtin, created_by=by
    )
    questionnaire.full_clean()
    attribute_change(questionnaire, by=by)
    questionnaire.save()
    draft = QuestionnaireVersion(
        questionnaire=questionnaire,
        number=1,
        texts={"en": {"title": name}},
        created_by=by,
    )
    draft.full_clean()
    attribute_change(draft, by=by)
    draft.save()
    return questionnaire


@transaction.atomic
def questionnaire_update(
    *, questionnaire: Questionnaire, by: Any, name: str, kind: str, description: str = ""
) -> Questionnaire:
    """Change a questionnaire's name, kind and description (what the staff pages show;
    what customers read is in its versions)."""
    stored = lock_stored(questionnaire)
    ensure_editable(stored)
    stored.name, stored.kind, stored.description = name, kind, description
    stored.full_clean()
    attribute_change(stored, by=by)
    stored.save()
    return stored


# Draft versions --------------------------------------------------------------------------


def _stripped(texts: Mapping[str, Any]) -> Any:
    """Return a ``texts`` map without blank strings and the spaces around the others;
    anything else is left for the model's checks to refuse."""
    if not isinstance(texts, Mapping):
        return texts
    return {
        language: {
            key: value.strip() if isinstance(value, str) else value
            for key, value in strings.items()
            if not isinstance(value, str) or value.strip()
        }
        if isinstance(strings, Mapping)
        else strings
        for language, strings in texts.items()
    }


def _draft(version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Return the version's stored row, locked, if it is a draft that takes edits."""
    stored = lock_stored(version, "questionnaire")
    refusal = stored.edit_refusal()
    if refusal:
        raise Refusal(refusal)
    return stored


@transaction.atomic
def version_texts_update(
    *,
    version: QuestionnaireVersion,
    by: Any,
    texts: Mapping[str, Mapping[str, str]],
    change_note: str = "",
) -> QuestionnaireVersion:
    """Set a draft's title, introduction and thank-you text in each language, and the
    note on what changed."""
    stored = _draft(version)
    stored.texts = _stripped(texts)
    stored.change_note = change_note.strip()
    stored.full_clean()
    attribute_change(stored, by=by)
    stored.save()
    return stored


@dataclass
class QuestionFields:
    """What a question is, as a form gives it to ``question_add`` or ``question_update``."""

    kind: str
    texts: Mapping[str, Mapping[str, str]]
    required: bool = False
    starts_page: bool = False
    choices: list[dict[str, Any]] = field(default_factory=list)
    likert_points: int = 5
    show_if: Question | None = None
    show_if_min: int | None = None
    show_if_max: int | None = None
    needs: Iterable[Need] = ()


def _fill(question: Question, fields: QuestionFields, by: Any) -> Question:
    """Put the fields on the question, check it whole, save it and its needs."""
    question.kind = fields.kind
    question.texts = _stripped(fields.texts)
    question.required = fields.required
    question.starts_page = fields.starts_page
    question.choices = list(fields.choices) if fields.kind in Question.CHOICE_KINDS else []
    question.likert_points = fields.likert_points
    question.show_if = fields.show_if
    question.show_if_min = fields.show_if_min if fields.show_if else None
    question.show_if_max = fields.show_if_max if fields.show_if else None
    needs = list(fields.needs)
    voided = [need for need in needs if need.is_voided]
    if voided:
        raise ValidationError(
            {"needs": _("“%(need)s” is voided: choose a need in use.") % {"need": voided[0]}}
        )
    question.full_clean()
    attribute_change(question, by=by)
    question.save()
    question.needs.set(needs)
    return question


@transaction.atomic
def question_add(*, version: QuestionnaireVersion, by: Any, fields: QuestionFields) -> Question:
    """Add a question at the end of a draft."""
    stored = _draft(version)
    last = stored.questions.aggregate(last=Max("position"))["last"] or 0
    return _fill(Question(version=stored, position=last + 1), fields, by)


@transaction.atomic
def question_update(*, question: Question, by: Any, fields: QuestionFields) -> Question:
    """Change a question of a draft; refuse a change that would leave a question shown
    on its score with a condition that no longer holds (no score, another scale)."""
    _draft(question.version)
    stored = _fill(Question.objects.select_related("version").get(pk=question.pk), fields, by)
    numbers = _numbers(stored.version)
    for dependant in Question.objects.filter(show_if=stored).select_related("show_if"):
        if dependant.condition_refusals():
            raise Refusal(_dependant_refusal(stored, dependant, numbers[dependant.pk]))
    return stored


def _dependant_refusal(question: Question, dependant: Question, number: int) -> str:
    """Return, in one sentence, why a change leaves the condition of a question shown
    on this one's score wrong, and what to do first."""
    if not question.is_score:
        return _(
            "Question %(number)s is shown only on a score of this question: remove that "
            "condition before making this question %(kind)s."
        ) % {"number": number, "kind": question.get_kind_display().lower()}
    low, high = question.scale() or (0, 0)
    return _(
        "Question %(number)s is shown only when this question scores %(least)s to "
        "%(most)s, which is not within its new scale of %(low)s to %(high)s: change that "
        "condition first."
    ) % {
        "number": number,
        "least": dependant.show_if_min,
        "most": dependant.show_if_max,
        "low": low,
        "high": high,
    }


def _numbers(version: QuestionnaireVersion) -> dict[int, int]:
    """Return each question's number as the designer shows it (1, 2, ...), by id."""
    ids = version.questions.order_by("position", "pk").values_list("pk", flat=True)
    return {pk: number for number, pk in enumerate(ids, start=1)}


def _dependants(question: Question) -> list[int]:
    """Return the numbers of the questions shown on a condition of this one."""
    numbers = _numbers(question.version)
    shown_on = Question.objects.filter(show_if=question).values_list("pk", flat=True)
    return sorted(numbers[pk] for pk in shown_on)


def _renumber(version: QuestionnaireVersion, order: list[Question], by: Any) -> None:
    """Give the questions positions 1, 2, ... in ``order``, saving those that move."""
    for position, question in enumerate(order, start=1):
        if question.position != position:
            question.position = position
            attribute_change(question, by=by)
            question.save(update_fields=["position"])


@transaction.atomic
def question_delete(*, question: Question, by: Any) -> QuestionnaireVersion:
    """Remove a question from a draft; refuse while another is shown on its score."""
    version = _draft(question.version)
    stored = Question.objects.select_related("version").get(pk=question.pk)
    dependants = _dependants(stored)
    if dependants:
        raise Refusal(
            _(
                "Question %(number)s is shown only on a score of this one: remove its "
                "condition, or that question, first."
            )
            % {"number": dependants[0]}
        )
    stored.needs.clear()
    attribute_change(stored, by=by)
    stored.delete()
    _renumber(version, list(version.questions.order_by("position", "pk")), by)
    return version


@transaction.atomic
def question_move(*, question: Question, by: Any, direction: str) -> Question:
    """Move a question of a draft one place up or down.

    A question stays after the score it is shown on: a move that would put it before
    that question, or that question after it, is refused.
    """
    if direction not in (UP, DOWN):
        raise Refusal(_("Move a question up or down."))
    version = _draft(question.version)
    order = list(version.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(order) if q.pk == question.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(order):
        where = _("first") if direction == UP else _("last")
        raise Refusal(_("This question is already the %(where)s.") % {"where": where})
    earlier, later = (
        (order[other], order[index]) if direction == UP else (order[index], order[other])
    )
    if later.show_if_id == earlier.pk:
        raise Refusal(
            _(
                "Question %(later)s is shown only on the score of question %(earlier)s, so it "
                "must stay after it: change its condition first."
            )
            % {"later": min(index, other) + 2, "earlier": min(index, other) + 1}
        )
    order[index], order[other] = order[other], order[index]
    _renumber(version, order, by)
    return order[other]


# Approval and the next draft -------------------------------------------------------------


@transaction.atomic
def version_approve(
    *, version: QuestionnaireVersion, by: Any, actor: str = ""
) -> QuestionnaireVersion:
    """Approve a draft as the version to send, recording who and when; the version
    approved before it is retired.

    ``by`` is the person who approves; ``actor`` names the system when none does (the
    built-in questionnaires, approved as they are installed).
    """
    if by is None and not actor:
        raise Refusal(_("Say who approves the version."))
    stored = _draft(version)
    refusals = stored.approval_refusals(list(stored.questions.order_by("position", "pk")))
    if refusals:
        raise Refusal(refusals)
    now = timezone.now()
    previous = QuestionnaireVersion.objects.select_for_update().filter(
        questionnaire_id=stored.questionnaire_id, status=Status.APPROVED
    )
    for approved in previous:
        approved.status = Status.RETIRED
        approved.retired_at = now
        attribute_change(
            approved,
            by=by,
            reason=_("Retired: version %(number)s approved") % {"number": stored.number},
        )
        approved.save(update_fields=["status", "retired_at"])
    stored.status = Status.APPROVED
    stored.approved_at = now
    stored.approved_by = by
    stored.approved_actor = "" if by is not None else actor
    stored.full_clean()
    attribute_change(stored, by=by, reason=_("Approved"))
    stored.save()
    return stored


@transaction.atomic
def version_new_draft(*, questionnaire: Questionnaire, by: Any) -> QuestionnaireVersion:
    """Make the next draft: a copy of the latest approved (or retired) version, with
    its texts, questions, choices, conditions (pointing to the copies) and needs."""
    stored = lock_stored(questionnaire)
    ensure_editable(stored)
    versions = list(stored.versions.order_by("-number"))
    draft = next((v for v in versions if v.status == Status.DRAFT), None)
    if draft is not None:
        raise Refusal(
            _("Version %(number)s is a draft already: change that one.") % {"number": draft.number}
        )
    source = versions[0] if versions else None
    copy = QuestionnaireVersion(
        questionnaire=stored,
        number=(source.number + 1) if source else 1,
        texts=source.texts if source else {"en": {"title": stored.name}},
        created_by=by,
    )
    copy.full_clean()
    attribute_change(copy, by=by)
    copy.save()
    if source is None:
        return copy
    copies: dict[int, Question] = {}
    for question in source.questions.order_by("position", "pk").prefetch_related("needs"):
        # Every field of ``Question.CONTENT``; the condition points to the copy of its
        # question, and the needs (many-to-many) are set once the copy is saved.
        plain = {
            name: getattr(question, name)
            for name in Question.CONTENT
            if name not in ("show_if", "needs")
        }
        new = Question(
            version=copy,
            position=question.position,
            show_if=copies.get(question.show_if_id) if question.show_if_id else None,
            **plain,
        )
        attribute_change(new, by=by)
        new.save()
        new.needs.set(question.needs.all())
        copies[question.pk] = new
    return copy
