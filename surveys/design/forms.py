"""Forms of the design register: a questionnaire, a draft's texts, and a question with
its texts in each language side by side."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserMultipleField
from core.forms import LengthLimits, limit_lengths
from customers.models import Need
from surveys.design.models import (
    CHOICE_LABEL_LIMIT,
    QUESTION_TEXT_LIMITS,
    VERSION_TEXT_LIMITS,
    Language,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)
from surveys.design.services import QuestionFields

LANGUAGES = Language.choices
CHOICE_SEPARATOR = "|"


class QuestionnaireForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "description": _("For staff: when it is sent and why. Customers never see it."),
        }


def _per_language(
    form: forms.Form, keys: dict[str, tuple[Any, int]], texts: dict[str, Any], textarea: set[str]
) -> None:
    """Add a field per text key and language (``title_en``, ``title_hi``), filled from
    ``texts``."""
    for key, (label, limit) in keys.items():
        for code, name in LANGUAGES:
            widget = forms.Textarea(attrs={"rows": 3}) if key in textarea else forms.TextInput
            form.fields[f"{key}_{code}"] = forms.CharField(
                label=f"{label} ({name})",
                max_length=limit,
                required=False,
                widget=widget,
            )
            form.fields[f"{key}_{code}"].widget.attrs["lang"] = code
            form.initial.setdefault(f"{key}_{code}", ((texts or {}).get(code) or {}).get(key, ""))


def _texts(data: dict[str, Any], keys: Any) -> dict[str, dict[str, str]]:
    return {
        code: {key: data.get(f"{key}_{code}") or "" for key in keys} for code, _name in LANGUAGES
    }


class VersionTextsForm(forms.Form):
    """A draft's title, introduction and thank-you text, in each language."""

    KEYS = {
        "title": (_("Title"), VERSION_TEXT_LIMITS["title"]),
        "intro": (_("Introduction"), VERSION_TEXT_LIMITS["intro"]),
        "thanks": (_("Thank-you text"), VERSION_TEXT_LIMITS["thanks"]),
    }

    def __init__(self, *args: Any, version: QuestionnaireVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _per_language(self, self.KEYS, version.texts, textarea={"intro", "thanks"})
        self.fields["change_note"] = forms.CharField(
            label=_("What changed and why"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Kept with the version when it is approved."),
        )
        self.initial.setdefault("change_note", version.change_note)
        self.fields["title_en"].required = True
        # Fields added here, after the base ``__init__``: without this their
        # ``maxlength`` lets a browser cut a pasted text silently to its limit.
        limit_lengths(self)

    def texts(self) -> dict[str, dict[str, str]]:
        return _texts(self.cleaned_data, self.KEYS)

    def rows(self) -> list[tuple[Any, list[Any]]]:
        """Return the fields in rows, one column per language (for the template)."""
        return [
            (label, [self[f"{key}_{code}"] for code, _n in LANGUAGES])
            for key, (label, _l) in self.KEYS.items()
        ]


def choices_text(choices: list[dict[str, Any]]) -> str:
    """Return choices as the form edits them: one per line, "code | English | Hindi"."""
    return "\n".join(
        f" {CHOICE_SEPARATOR} ".join(
            [
                choice.get("code", ""),
                *((choice.get("labels") or {}).get(code, "") for code, _n in LANGUAGES),
            ]
        )
        for choice in choices
    )


def parse_choices(text: str) -> list[dict[str, Any]]:
    """Read the choices a person typed, one per line, "code | English | Hindi"."""
    choices = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(CHOICE_SEPARATOR)]
        if len(parts) > 1 + len(LANGUAGES):
            raise ValidationError(
                _("Line %(number)s has more than a code and a label per language.")
                % {"number": number}
            )
        code, *labels = parts
        choices.append(
            {
                "code": code,
                "labels": {
                    lang: label
                    for (lang, _n), label in zip(LANGUAGES, labels, strict=False)
                    if label
                },
            }
        )
    return choices


class QuestionForm(forms.Form):
    """A question of a draft: its kind, texts in each language side by side, choices,
    the condition on an earlier score, and the customer needs it measures."""

    KEYS = {
        "text": (_("Question"), QUESTION_TEXT_LIMITS["text"]),
        "help": (_("Help text"), QUESTION_TEXT_LIMITS["help"]),
        "low": (_("Label of the lowest score"), QUESTION_TEXT_LIMITS["low"]),
        "high": (_("Label of the highest score"), QUESTION_TEXT_LIMITS["high"]),
    }

    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    starts_page = forms.BooleanField(
        label=_("Starts a new page"),
        required=False,
        help_text=_("A long questionnaire is easier to answer on a phone in pages."),
    )
    likert_points = forms.TypedChoiceField(
        label=_("Points on an agreement scale"),
        choices=[(p, str(p)) for p in Question.LIKERT_POINTS],
        coerce=int,
        initial=5,
        help_text=_("For an agreement (Likert) scale only."),
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For a choice question: one per line, “code | English | Hindi”, for example "
            "“price | Price | कीमत”. The code is what an answer stores; keep it when you "
            "change a label. At most %(limit)s characters a label."
        )
        % {"limit": CHOICE_LABEL_LIMIT},
    )
    show_if = forms.ModelChoiceField(
        label=_("Shown only when this earlier score"),
        queryset=Question.objects.none(),
        required=False,
        empty_label=_("Always shown"),
    )
    show_if_min = forms.IntegerField(label=_("is at least"), required=False)
    show_if_max = forms.IntegerField(label=_("and at most"), required=False)

    def __init__(
        self,
        *args: Any,
        version: QuestionnaireVersion,
        question: Question | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _per_language(self, self.KEYS, question.texts if question else {}, textarea={"help"})
        self.fields["text_en"].required = True
        # Earlier score questions of this version: the condition's only candidates.
        earlier = version.questions.filter(kind__in=Question.SCORE_KINDS)
        if question is not None:
            earlier = earlier.filter(position__lt=question.position)
        show_if: Any = self.fields["show_if"]
        show_if.queryset = earlier.order_by("position", "pk")
        numbers = {
            pk: n
            for n, pk in enumerate(
                version.questions.order_by("position", "pk").values_list("pk", flat=True), 1
            )
        }
        show_if.label_from_instance = lambda q: f"{numbers.get(q.pk, '?')}. {q.text_in('en')}"
        linked = list(question.needs.all()) if question is not None else []
        self.fields["needs"] = ChooserMultipleField(
            "needs",
            Need.objects.active(),
            label=_("Customer needs it measures"),
            required=False,
            help_text=_(
                "Needs from the needs register, by title: the results show how well each is met."
            ),
        )
        limit_lengths(self)  # the text fields added above (see VersionTextsForm)
        if question is not None:
            self.initial.update(
                {
                    "kind": question.kind,
                    "required": question.required,
                    "starts_page": question.starts_page,
                    "likert_points": question.likert_points,
                    "choices": choices_text(question.choices or []),
                    "show_if": question.show_if_id,
                    "show_if_min": question.show_if_min,
                    "show_if_max": question.show_if_max,
                    "needs": [need.pk for need in linked],
                }
            )

    def clean_choices(self) -> list[dict[str, Any]]:
        return parse_choices(self.cleaned_data.get("choices") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("show_if") is not None:
            for name in ("show_if_min", "show_if_max"):
                if data.get(name) is None:
                    self.add_error(name, _("Give the range of scores that shows the question."))
        elif data.get("show_if_min") is not None or data.get("show_if_max") is not None:
            self.add_error("show_if", _("Choose the score the range applies to."))
        return data

    def text_rows(self) -> list[tuple[Any, list[Any]]]:
        return [
            (label, [self[f"{key}_{code}"] for code, _n in LANGUAGES])
            for key, (label, _l) in self.KEYS.items()
        ]

    def fields_for_service(self) -> QuestionFields:
        data = self.cleaned_data
        return QuestionFields(
            kind=data["kind"],
            texts=_texts(data, self.KEYS),
            required=data["required"],
            starts_page=data["starts_page"],
            choices=data["choices"],
            likert_points=data.get("likert_points") or 5,
            show_if=data.get("show_if"),
            show_if_min=data.get("show_if_min"),
            show_if_max=data.get("show_if_max"),
            needs=data.get("needs") or [],
        )
