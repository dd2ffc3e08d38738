"""Reads of the design register that its pages share: the list, a questionnaire with
its versions, a version with its questions, and two versions side by side."""

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.versions import DiffRow
from customers.models import Need
from surveys.design.models import (
    LANGUAGE_CODES,
    Language,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)

Status = QuestionnaireVersion.Status


def questionnaire_rows() -> QuerySet:
    """Return the questionnaires with the number and date of the version in use and
    whether a draft is open, in one query."""
    approved = QuestionnaireVersion.objects.filter(
        questionnaire=OuterRef("pk"), status=Status.APPROVED
    )
    return Questionnaire.objects.annotate(
        approved_number=Subquery(approved.values("number")[:1]),
        approved_on=Subquery(approved.values("approved_at")[:1]),
        has_draft=Exists(
            QuestionnaireVersion.objects.filter(questionnaire=OuterRef("pk"), status=Status.DRAFT)
        ),
    ).order_by("name", "pk")


def _count(model: Any) -> Coalesce:
    """Return the number of ``model`` rows of the outer version, as a subquery."""
    rows = (
        model.objects.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def questionnaire_versions(questionnaire: Questionnaire) -> list[QuestionnaireVersion]:
    """Return the questionnaire's versions, newest first, each with its number of
    questions, invitations and responses."""
    return list(
        questionnaire.versions.select_related("approved_by", "created_by")
        # One counting subquery per table, each through its ``version_id`` index: a
        # count over the three joined would multiply their rows (a version sent a
        # million times, with five questions and its responses) before it divided.
        .annotate(
            question_count=_count(Question),
            invitation_count=_count(apps.get_model("surveys", "Invitation")),
            response_count=_count(apps.get_model("surveys", "Response")),
        )
        .order_by("-number")
    )


def open_invitation_count(questionnaire: Questionnaire) -> int:
    """Return how many invitations of the questionnaire can still be answered (or will
    be once sent): voiding it closes them.

    The invitations are the campaigns register's, which sits above this one and so is
    not imported here; the model is looked up by name, and its own ``open()`` is the
    one definition of an invitation that can still be answered.
    """
    invitation = apps.get_model("surveys", "Invitation")
    return int(invitation.objects.open().filter(version__questionnaire=questionnaire).count())


def version_with_questions(pk: int) -> QuestionnaireVersion:
    """Return a version with its questionnaire, who approved it, and its questions with
    their conditions and needs (``ordered_questions`` reads them without a query)."""
    return (
        QuestionnaireVersion.objects.select_related("questionnaire", "approved_by", "created_by")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("show_if").prefetch_related(
                    Prefetch("needs", queryset=Need.objects.select_related("customer", "segment"))
                ),
            )
        )
        .get(pk=pk)
    )


# Two versions side by side ---------------------------------------------------------------


@dataclass
class QuestionChange:
    """One question in a comparison: ``kind`` is added, removed, changed or same."""

    kind: str
    label: str
    subject: str
    rows: list[DiffRow] = field(default_factory=list)


def _numbers(questions: list[Question]) -> dict[int, int]:
    return {question.pk: number for number, question in enumerate(questions, start=1)}


def condition_text(question: Question, numbers: dict[int, int]) -> str:
    """Return the condition of a question in words, "" when it is always shown."""
    if question.show_if_id is None:
        return ""
    return _("Shown when question %(number)s scores %(low)s to %(high)s") % {
        "number": numbers.get(question.show_if_id, "?"),
        "low": question.show_if_min,
        "high": question.show_if_max,
    }


def _question_values(question: Question | None, numbers: dict[int, int]) -> list[tuple[Any, str]]:
    """Return (label, value) for every field of a question a comparison shows."""
    if question is None:
        return [(label, "") for label, _value in _question_values(Question(kind="text"), {})]
    yes, no = _("Yes"), _("No")
    values: list[tuple[Any, str]] = [
        (_("Kind"), question.get_kind_display()),
        (_("Answer required"), yes if question.required else no),
        (_("Starts a new page"), yes if question.starts_page else no),
    ]
    for code, name in Language.choices:
        strings = (question.texts or {}).get(code) or {}
        values += [
            (_("Text (%(language)s)") % {"language": name}, strings.get("text", "")),
            (_("Help (%(language)s)") % {"language": name}, strings.get("help", "")),
            (
                _("Scale ends (%(language)s)") % {"language": name},
                " / ".join(v for v in (strings.get("low", ""), strings.get("high", "")) if v),
            ),
        ]
    values += [
        (
            _("Choices"),
            "; ".join(
                f"{code}: "
                + " / ".join(choice.get("labels", {}).get(c, "") for c in LANGUAGE_CODES)
                for choice in question.choices or []
                for code in [choice.get("code", "")]
            ),
        ),
        (
            _("Points on the scale"),
            str(question.likert_points) if question.kind == Question.Kind.LIKERT else "",
        ),
        (_("Condition"), condition_text(question, numbers)),
        (
            _("Customer needs it measures"),
            ", ".join(sorted(need.title for need in question.needs.all())) if question.pk else "",
        ),
    ]
    return values


def _diff(
    old: Question | None,
    new: Question | None,
    old_numbers: dict[int, int],
    new_numbers: dict[int, int],
) -> list[DiffRow]:
    left = _question_values(old, old_numbers)
    right = _question_values(new, new_numbers)
    return [DiffRow(label, a, b) for (label, a), (_label, b) in zip(left, right, strict=True)]


def _signature(question: Question) -> tuple[str, str]:
    return (question.kind, question.text_in("en").strip().lower())


def _place(old: int | None, new: int | None, old_version: int, new_version: int) -> str:
    """Return a compared question's number, each side numbered by its own version: a
    question removed, or moved by one removed before it, is not numbered like the next."""
    if old is not None and old == new:
        return str(old)
    if old is not None and new is not None:
        return _("%(old)s in version %(a)s, %(new)s in version %(b)s") % {
            "old": old,
            "a": old_version,
            "new": new,
            "b": new_version,
        }
    number, version = (old, old_version) if old is not None else (new, new_version)
    return _("%(number)s in version %(version)s") % {"number": number, "version": version}


def compare_versions(old: QuestionnaireVersion, new: QuestionnaireVersion) -> dict[str, Any]:
    """Return two versions side by side: their texts per language, and each question
    matched with its counterpart, marked added, removed, changed or the same.

    Questions are matched by kind and English text in order (as ``difflib`` matches
    lines), so a question inserted in the middle shows as added, not as every later
    question changed; a question replaced in place shows as changed.
    """
    texts = [
        DiffRow(
            _("%(field)s (%(language)s)") % {"field": label, "language": name},
            old.text(code, key) if old.texts.get(code) else "",
            new.text(code, key) if new.texts.get(code) else "",
        )
        for code, name in Language.choices
        for key, label in (
            ("title", _("Title")),
            ("intro", _("Introduction")),
            ("thanks", _("Thank-you text")),
        )
    ]
    before, after = old.ordered_questions(), new.ordered_questions()
    old_numbers, new_numbers = _numbers(before), _numbers(after)
    matcher = SequenceMatcher(
        a=[_signature(q) for q in before], b=[_signature(q) for q in after], autojunk=False
    )
    changes: list[QuestionChange] = []

    def add(kind: str, a: Question | None, b: Question | None) -> None:
        rows = _diff(a, b, old_numbers, new_numbers)
        if kind == "same" and any(row.changed for row in rows):
            kind = "changed"
        shown = b or a
        labels = {
            "added": _("Added"),
            "removed": _("Removed"),
            "changed": _("Changed"),
            "same": _("The same"),
        }
        where = _place(
            old_numbers.get(a.pk) if a is not None else None,
            new_numbers.get(b.pk) if b is not None else None,
            old.number,
            new.number,
        )
        subject = f"{where}. {shown.text_in('en') if shown else ''}"
        changes.append(QuestionChange(kind, labels[kind], subject, rows))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for a, b in zip(before[i1:i2], after[j1:j2], strict=True):
                add("same", a, b)
            continue
        olds, news = before[i1:i2], after[j1:j2]
        paired = min(len(olds), len(news))
        for a, b in zip(olds[:paired], news[:paired], strict=True):
            add("changed", a, b)
        for a in olds[paired:]:
            add("removed", a, None)
        for b in news[paired:]:
            add("added", None, b)
    return {"texts": texts, "questions": changes}
