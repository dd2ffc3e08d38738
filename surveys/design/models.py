"""Questionnaires and their versions (9.1.2): what a survey asks, as a controlled document.

A questionnaire is edited as a draft version; a draft is approved (who and when) before
anything can be sent with it, and an approved version never changes again: editing
makes the next draft, a copy of it. Survey text lives here, in the database, per
language (``texts`` maps a language code to that language's strings), not in the
``.po`` catalogue.

Kept whole past 500 lines: the three models are one document (a questionnaire, its
versions, their questions) whose rules (the page split, conditions, approval checks,
text limits) read each other; split, each part would import the others.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import record_history
from core.records import VoidableModel
from customers.models import Contact, Need

Language = Contact.Language
LANGUAGE_CODES = tuple(Language.values)
DEFAULT_LANGUAGE = Language.ENGLISH.value


# How long each survey string may be, per key of a ``texts`` map; a choice's label and
# code. Short enough to read on a phone, where the customer answers.
VERSION_TEXT_LIMITS: Mapping[str, int] = {"title": 150, "intro": 1000, "thanks": 1000}
QUESTION_TEXT_LIMITS: Mapping[str, int] = {"text": 300, "help": 500, "low": 60, "high": 60}
CHOICE_LABEL_LIMIT = 150
CHOICE_CODE_LIMIT = 40


def texts_refusals(texts: Any, limits: Mapping[str, int]) -> list[str]:
    """Return what is wrong with a ``texts`` map: a language or a key that is not one,
    a value that is not text, or one over its limit."""
    if not isinstance(texts, Mapping):
        return [str(_("The texts must map each language to its strings."))]
    wrong = []
    for language, strings in texts.items():
        if language not in LANGUAGE_CODES or not isinstance(strings, Mapping):
            wrong.append(
                str(_("“%(language)s” is not a survey language.") % {"language": language})
            )
            continue
        for key, value in strings.items():
            if key not in limits or not isinstance(value, str):
                wrong.append(str(_("“%(key)s” is not a survey text.") % {"key": key}))
            elif len(value) > limits[key]:
                wrong.append(
                    str(
                        _(
                            "The %(key)s in %(language)s has %(length)s characters; at most "
                            "%(limit)s are allowed."
                        )
                        % {
                            "key": key,
                            "language": dict(Language.choices)[language],
                            "length": len(value),
                            "limit": limits[key],
                        }
                    )
                )
    return wrong


def text_in(texts: Mapping[str, Mapping[str, str]] | None, language: str, key: str) -> str:
    """Return one string of a ``texts`` map in ``language``, English when it has none."""
    texts = texts or {}
    value = (texts.get(language) or {}).get(key, "")
    return value or (texts.get(DEFAULT_LANGUAGE) or {}).get(key, "")


class Questionnaire(VoidableModel):
    """A survey questionnaire; what it asks is in its versions."""

    class Kind(models.TextChoices):
        RELATIONSHIP = "relationship", _("Relationship (NPS)")
        TRANSACTIONAL = "transactional", _("Transactional (CSAT)")
        COMPLAINT = "complaint", _("Complaint handling")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # The key of a built-in questionnaire (``surveys.design.builtin``); blank for others.
    builtin = models.CharField(_("built-in key"), max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = record_history(no_db_index=["created_by", "voided_by"])

    class Meta:
        verbose_name = _("questionnaire")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "builtin", condition=~Q(builtin=""), name="surveys_questionnaire_builtin_unique"
            ),
            # Two live questionnaires of one name could not be told apart in the lists,
            # the send page or the results; a void one frees its name.
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(voided_at__isnull=True),
                name="surveys_questionnaire_name_unique",
                violation_error_message=_(
                    "Another questionnaire in use has this name: choose another name."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:questionnaire_detail", args=[self.pk])


class VersionQuerySet(models.QuerySet):
    def sendable(self) -> "VersionQuerySet":
        """Return the versions a survey may be sent with: approved, of a live
        questionnaire (the rule ``QuestionnaireVersion.send_refusal`` applies to one)."""
        return self.filter(
            status=QuestionnaireVersion.Status.APPROVED, questionnaire__voided_at__isnull=True
        )


class QuestionnaireVersion(models.Model):
    """One version of a questionnaire: a draft, then approved and frozen.

    ``frozen_at`` is when the first invitation was made with it; an approved version
    takes no edit either way, the field says since when it has been in use. A newer
    approved version retires the one before (it stays readable with its responses).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        RETIRED = "retired", _("Retired")

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Language code -> its "title", "intro" and "thanks" strings.
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    change_note = models.TextField(_("what changed and why"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Who approved it when no person did: "built-in" for the questionnaires the product
    # installs after migrate (``surveys.design.builtin``).
    approved_actor = models.CharField(
        _("approved by (system)"), max_length=40, blank=True, editable=False
    )
    frozen_at = models.DateTimeField(_("first used"), null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True, editable=False)

    history = record_history(no_db_index=["questionnaire", "created_by", "approved_by"])
    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire version")
        ordering = ["questionnaire", "-number"]
        permissions = [("approve_questionnaireversion", _("Can approve a questionnaire version"))]
        constraints = [
            models.UniqueConstraint(
                "questionnaire", "number", name="surveys_version_number_unique"
            ),
            # One draft at a time: editing an approved version makes the next draft.
            models.UniqueConstraint(
                "questionnaire",
                condition=Q(status="draft"),
                name="surveys_version_one_draft",
                violation_error_message=_("This questionnaire already has a draft."),
            ),
            # An approved (or retired) version names when and who: a person, or the
            # system that installed it.
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(approved_at__isnull=False)
                    & (Q(approved_by__isnull=False) | ~Q(approved_actor=""))
                ),
                name="surveys_version_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:version_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def text(self, language: str, key: str) -> str:
        """Return the version's ``title``, ``intro`` or ``thanks`` in ``language``."""
        return text_in(self.texts, language, key)

    def title_in(self, language: str) -> str:
        return self.text(language, "title") or self.questionnaire.name

    @property
    def approver(self) -> str:
        """Return who approved the version: a person, or the system that did."""
        if self.approved_by_id is not None:
            return str(self.approved_by)
        return self.approved_actor

    def clean(self) -> None:
        if wrong := texts_refusals(self.texts, VERSION_TEXT_LIMITS):
            raise ValidationError({"texts": wrong})

    def edit_refusal(self) -> str:
        """Return why the version takes no edit, or "" when it is a draft that does."""
        if self.questionnaire.is_voided:
            return str(_("This questionnaire is void: its versions no longer change."))
        if self.frozen_at is not None:
            return str(
                _(
                    "Version %(number)s has been sent to customers, so it no longer changes: "
                    "make a new draft to change the questionnaire."
                )
                % {"number": self.number}
            )
        if self.status != self.Status.DRAFT:
            return str(
                _(
                    "Version %(number)s is %(status)s, so it no longer changes: make a new "
                    "draft to change the questionnaire."
                )
                % {"number": self.number, "status": self.get_status_display().lower()}
            )
        return ""

    def approval_refusals(self, questions: list["Question"] | None = None) -> list[str]:
        """Return what stops this draft from being approved (empty when nothing does):
        no questions, a title or a question's text missing in a language, a help text
        in one language only, a scale without its end labels, a choice question with
        fewer than two choices or a choice without a label in every language, and from
        version 2 on, no note of what changed and why."""
        questions = self.ordered_questions() if questions is None else questions
        refusals = []
        if not questions:
            refusals.append(str(_("Add at least one question.")))
        if self.number > 1 and not (self.change_note or "").strip():
            refusals.append(
                str(
                    _(
                        "Say what changed since the version before and why: write it in "
                        "“What changed and why” on the draft's texts page (Change the texts)."
                    )
                )
            )
        for language, name in Language.choices:
            if not ((self.texts or {}).get(language) or {}).get("title", "").strip():
                refusals.append(str(_("Give the title in %(language)s.") % {"language": name}))
        for number, question in enumerate(questions, start=1):
            refusals += [
                str(_("Question %(number)s: %(problem)s") % {"number": number, "problem": problem})
                for problem in question.approval_refusals()
            ]
        return refusals

    def send_refusal(self) -> str:
        """Return why nothing can be sent with this version now, or "" when it can."""
        if self.questionnaire.is_voided:
            return str(_("This questionnaire is void: nothing is sent with it."))
        if self.status == self.Status.DRAFT:
            return str(_("This version is a draft: it must be approved before it is sent."))
        if self.status == self.Status.RETIRED:
            return str(_("This version is retired: send the current approved version."))
        return ""

    def ordered_questions(self) -> list["Question"]:
        """Return the questions in order (from the prefetch cache when there is one)."""
        return sorted(self.questions.all(), key=lambda q: (q.position, q.pk))

    def pages(self, questions: Iterable["Question"] | None = None) -> list[list["Question"]]:
        """Return the questions split into the pages the customer answers them on.

        A page ends before a question marked ``starts_page``, and before a question
        shown on a condition of a score on the same page: the server decides whether
        to show it from the answer already posted, so it works without JavaScript.
        """
        pages: list[list[Question]] = []
        current: list[Question] = []
        for question in questions if questions is not None else self.ordered_questions():
            on_page = {q.pk for q in current}
            if current and (question.starts_page or question.show_if_id in on_page):
                pages.append(current)
                current = []
            current.append(question)
        if current:
            pages.append(current)
        return pages


class Question(models.Model):
    """One question of a version, in its place; its texts are per language."""

    class Kind(models.TextChoices):
        NPS = "nps", _("Net Promoter Score (0-10)")
        CSAT = "csat", _("Satisfaction, CSAT (1-5)")
        CES = "ces", _("Customer effort, CES (1-7)")
        LIKERT = "likert", _("Agreement scale (Likert)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    # What a question is, beside its version and place: declared once, read by the
    # next draft's copy and the services' ``QuestionFields``, and shown by the
    # comparison of two versions (tests/surveys/design/test_content.py holds them to it).
    CONTENT = (
        "kind",
        "required",
        "starts_page",
        "texts",
        "choices",
        "likert_points",
        "show_if",
        "show_if_min",
        "show_if_max",
        "needs",
    )
    SCORE_KINDS = (Kind.NPS, Kind.CSAT, Kind.CES, Kind.LIKERT)
    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
    # The scale of each fixed score kind; a Likert scale has ``likert_points`` points.
    SCALES: Mapping[str, tuple[int, int]] = {
        Kind.NPS: (0, 10),
        Kind.CSAT: (1, 5),
        Kind.CES: (1, 7),
    }
    LIKERT_POINTS = (5, 7)

    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    required = models.BooleanField(_("an answer is required"), default=False)
    starts_page = models.BooleanField(_("starts a new page"), default=False)
    # Language code -> its "text", "help", "low" and "high" strings; "low" and "high"
    # label the ends of a score scale.
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    # A list of choices, each a "code" (what an answer stores) and "labels" (language
    # code -> label).
    choices = models.JSONField(_("choices"), default=list, blank=True)
    likert_points = models.PositiveSmallIntegerField(_("points on the scale"), default=5)
    show_if = models.ForeignKey(
        "self",
        verbose_name=_("shown only when this earlier score"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    show_if_min = models.SmallIntegerField(_("is at least"), null=True, blank=True)
    show_if_max = models.SmallIntegerField(_("and at most"), null=True, blank=True)
    needs = models.ManyToManyField(
        Need, verbose_name=_("customer needs it measures"), blank=True, related_name="+"
    )

    history = record_history(no_db_index=["version", "show_if"])

    class Meta:
        verbose_name = _("question")
        ordering = ["version", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(show_if__isnull=True)
                | (Q(show_if_min__isnull=False) & Q(show_if_max__isnull=False)),
                name="surveys_question_condition_has_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text_in(DEFAULT_LANGUAGE) or self.get_kind_display()

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def refuse(field: str, message: Any) -> None:
            errors.setdefault(field, []).append(str(message))

        for message in texts_refusals(self.texts, QUESTION_TEXT_LIMITS):
            refuse("texts", message)
        if self.kind == self.Kind.LIKERT and self.likert_points not in self.LIKERT_POINTS:
            refuse("likert_points", _("An agreement scale has 5 or 7 points."))
        for message in self.choices_refusals():
            refuse("choices", message)
        for field, message in self.condition_refusals():
            refuse(field, message)
        if errors:
            raise ValidationError(errors)

    def choices_refusals(self) -> list[str]:
        """Return what is wrong with the choices: only choice questions have them, each
        with a code of its own and an English label; labels within their limit."""
        choices = self.choices or []
        if not self.is_choice:
            return [str(_("Only a choice question offers choices."))] if choices else []
        if not isinstance(choices, list):
            return [str(_("The choices must be a list."))]
        wrong, codes = [], set()
        for choice in choices:
            code = choice.get("code") if isinstance(choice, Mapping) else None
            labels = choice.get("labels") if isinstance(choice, Mapping) else None
            if not isinstance(code, str) or not code.strip():
                wrong.append(str(_("Every choice needs a code.")))
                continue
            if (
                len(code) > CHOICE_CODE_LIMIT
                or not code.replace("-", "").replace("_", "").isalnum()
            ):
                wrong.append(
                    str(
                        _(
                            "The code “%(code)s” is not one: use up to %(limit)s letters, "
                            "digits, hyphens or underscores."
                        )
                        % {"code": code, "limit": CHOICE_CODE_LIMIT}
                    )
                )
            if code in codes:
                wrong.append(str(_("Two choices have the code “%(code)s”.") % {"code": code}))
            codes.add(code)
            if (
                not isinstance(labels, Mapping)
                or not str(labels.get(DEFAULT_LANGUAGE) or "").strip()
            ):
                wrong.append(
                    str(_("The choice “%(code)s” needs an English label.") % {"code": code})
                )
                continue
            for language, label in labels.items():
                if language not in LANGUAGE_CODES or not isinstance(label, str):
                    wrong.append(
                        str(
                            _("The choice “%(code)s” has a label that is not one.") % {"code": code}
                        )
                    )
                elif len(label) > CHOICE_LABEL_LIMIT:
                    wrong.append(
                        str(
                            _("A label of the choice “%(code)s” is over %(limit)s characters.")
                            % {"code": code, "limit": CHOICE_LABEL_LIMIT}
                        )
                    )
        return wrong

    def condition_refusals(self) -> list[tuple[str, str]]:
        """Return (field, message) for what is wrong with the condition: it refers to an
        earlier score question of the same version, with a range inside its scale."""
        least, most = self.show_if_min, self.show_if_max
        source = self.show_if if self.show_if_id is not None else None
        if source is None:
            if least is not None or most is not None:
                return [("show_if", str(_("Choose the score the range applies to.")))]
            return []
        low, high = source.scale() or (0, 0)
        checks = [
            (
                source.version_id != self.version_id,
                "show_if",
                _("The condition must refer to a question of this version."),
            ),
            (not source.is_score, "show_if", _("The condition must refer to a score question.")),
            (
                source.pk == self.pk or source.position >= self.position,
                "show_if",
                _("The condition must refer to an earlier question."),
            ),
            (
                least is None or most is None,
                "show_if_min",
                _("Give the lowest and the highest score of the range."),
            ),
            (
                least is not None and most is not None and not low <= least <= most <= high,
                "show_if_min",
                _(
                    "The range must lie within the scale %(low)s to %(high)s, its lowest "
                    "score no higher than its highest."
                )
                % {"low": low, "high": high},
            ),
        ]
        return [(field, str(message)) for wrong, field, message in checks if wrong][:1]

    def approval_refusals(self) -> list[str]:
        """Return what this question lacks to be approved (see the version's)."""
        wrong = []
        # A help text shown in one language only would leave the other customers
        # without it: it is given in every language or in none.
        helped = any(
            str(((self.texts or {}).get(code) or {}).get("help") or "").strip()
            for code in LANGUAGE_CODES
        )
        for language, name in Language.choices:
            strings = (self.texts or {}).get(language) or {}
            if not str(strings.get("text") or "").strip():
                wrong.append(str(_("give its text in %(language)s.") % {"language": name}))
            if helped and not str(strings.get("help") or "").strip():
                wrong.append(
                    str(
                        _("give its help text in %(language)s too, or remove it in every language.")
                        % {"language": name}
                    )
                )
            if self.is_score and not (
                str(strings.get("low") or "").strip() and str(strings.get("high") or "").strip()
            ):
                wrong.append(
                    str(_("label both ends of the scale in %(language)s.") % {"language": name})
                )
            if self.is_choice and any(
                not str(((c.get("labels") or {}).get(language)) or "").strip()
                for c in self.choices or []
            ):
                wrong.append(str(_("label every choice in %(language)s.") % {"language": name}))
        if self.is_choice and len(self.choices or []) < 2:
            wrong.append(str(_("offer at least two choices.")))
        return wrong

    def text_in(self, language: str, key: str = "text") -> str:
        return text_in(self.texts, language, key)

    @property
    def is_score(self) -> bool:
        return self.kind in self.SCORE_KINDS

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def scale(self) -> tuple[int, int] | None:
        """Return the lowest and highest score of a score question, else None."""
        if self.kind == self.Kind.LIKERT:
            return (1, self.likert_points)
        return self.SCALES.get(self.kind)

    def choice_codes(self) -> list[str]:
        return [choice["code"] for choice in self.choices or []]

    def choice_labels(self, language: str) -> list[tuple[str, str]]:
        """Return (code, label in ``language``) for each choice, English as fallback."""
        return [
            (
                choice["code"],
                (choice.get("labels") or {}).get(language)
                or (choice.get("labels") or {}).get(DEFAULT_LANGUAGE, choice["code"]),
            )
            for choice in self.choices or []
        ]

    def shown_for(self, scores: Mapping[int, Any]) -> bool:
        """Return whether the question is shown, given the scores answered so far
        (question id -> score). Unconditional questions are always shown; a
        conditional one only when its earlier score was given and is in range."""
        if self.show_if_id is None:
            return True
        score = scores.get(self.show_if_id)
        if score is None or self.show_if_min is None or self.show_if_max is None:
            return False
        return self.show_if_min <= score <= self.show_if_max
