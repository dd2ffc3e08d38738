"""The answer form of one survey page, built from the questions shown on it.

Every message a customer can meet is translatable; the questions' own words come
from the version (``texts``) in the contact's language. Fields are named after the
question (``q<id>``): a post naming any other field (a question of another page or
version, one hidden by its condition) was not made with this page and is refused.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import LengthLimits, limit_lengths
from surveys.design.models import Question
from surveys.responses.services import AnswerValue

FIELD_PREFIX = "q"
# The buttons' values: go on, keep the answers to finish later, send the survey.
NEXT, SAVE, SEND, BACK = "next", "save", "send", "back"
ACTIONS = (NEXT, SAVE, SEND, BACK)
# The actions that keep what the page holds without requiring its answers yet.
KEEP_ONLY = (SAVE, BACK)
# What a post of this form may hold besides the questions' fields.
FORM_KEYS = frozenset({"csrfmiddlewaretoken", "page", "action"})

REQUIRED = _("Answer this question: it is required.")
NOT_OFFERED = _("Choose one of the answers offered.")
TAMPERED = _(
    "This page was changed or is out of date, so nothing was saved. "
    "Please answer the questions shown and send them again."
)


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


def _score_field(question: Question, required: bool) -> forms.Field:
    low, high = question.scale() or (0, 0)
    return forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in range(low, high + 1)],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": REQUIRED,
            "invalid_choice": _("Choose a number from %(low)s to %(high)s.")
            % {"low": low, "high": high},
        },
    )


def answer_field(question: Question, language: str, *, required: bool) -> forms.Field:
    """Return the form field of a question, in ``language``."""
    field: forms.Field
    if question.is_score:
        field = _score_field(question, required)
    elif question.kind == Question.Kind.SINGLE:
        field = forms.ChoiceField(
            choices=question.choice_labels(language),
            required=required,
            widget=forms.RadioSelect,
            error_messages={"required": REQUIRED, "invalid_choice": NOT_OFFERED},
        )
    elif question.kind == Question.Kind.MULTIPLE:
        field = forms.MultipleChoiceField(
            choices=question.choice_labels(language),
            required=required,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": REQUIRED, "invalid_choice": NOT_OFFERED},
        )
    else:
        field = forms.CharField(
            max_length=settings.SURVEY_TEXT_MAX_LENGTH,
            required=required,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={
                "required": REQUIRED,
                "max_length": _(
                    "Write at most %(limit_value)s characters: this text has %(show_value)s."
                ),
                "null_characters_not_allowed": TAMPERED,
            },
        )
    field.label = question.text_in(language)
    field.help_text = question.text_in(language, "help")
    return field


class AnswerForm(LengthLimits, forms.Form):
    """The questions of one page. ``pages``: the pages the customer may post (those
    reached so far); ``partial``: saving to finish later, so a required question may
    stay blank for now (submitting checks them all)."""

    page = forms.IntegerField(widget=forms.HiddenInput, error_messages={"invalid": TAMPERED})

    def __init__(
        self,
        data: Any = None,
        *,
        questions: list[Question],
        language: str,
        pages: int,
        partial: bool = False,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.questions = questions
        self.pages = pages
        for question in questions:
            self.fields[field_name(question)] = answer_field(
                question, language, required=question.required and not partial
            )
        # The text fields added above get their limit said, never cut.
        limit_lengths(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        page = cleaned.get("page")
        unknown = set(self.data) - FORM_KEYS - {field_name(q) for q in self.questions}
        # A value given twice where one is asked for is not a post this page made.
        repeated = any(
            self._given(field_name(q)) > 1
            for q in self.questions
            if q.kind != Question.Kind.MULTIPLE
        ) or any(self._given(key) > 1 for key in FORM_KEYS)
        if unknown or repeated or not self.questions or page is None or not 1 <= page <= self.pages:
            raise forms.ValidationError(TAMPERED, code="tampered")
        return cleaned

    def _given(self, key: str) -> int:
        """Return how many values the post gives for ``key`` (a QueryDict holds a list)."""
        data: Any = self.data
        return len(data.getlist(key)) if hasattr(data, "getlist") else int(key in data)

    def answers(self) -> dict[int, AnswerValue]:
        """Return question id -> value of the page's valid answers."""
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}
