"""Choosing a record by typing: the one widget for customers, contacts, requirements and
people, in forms and in list filters, at any size of register.

A drop-down lists every row of its table in every page that shows it; at 50,000
customers that is megabytes of HTML and a sort of the whole table per request. A
chooser is a text field instead:

- Without JavaScript it takes a number ("12", "#12"), the record's own reference
  ("REQ-0004"), or words that find exactly one record; words that find several are
  refused with the first few, each with its number, to pick from.
- With JavaScript (htmx and ``static/js/qms.js``) it is an ARIA combobox: suggestions
  come from ``choose/<kind>/`` as one types, the arrow keys move through them, Enter
  or a click takes one, Escape closes the list, and a live region says how many there
  are. The field then holds "Title (#12)", which reads back as record 12.

A field that takes several records shows those chosen as ticked boxes (untick to
drop one) and one more chooser to add another.

The kinds are registered by their apps in ``core.registries.choosers``.
"""

import re
from collections.abc import Iterable
from typing import Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.filters import QuerySetRequestMixin

from core.expressions import matches_first
from core.filters import ANY
from core.models import User
from core.params import positive_int
from core.registries import ChooserSource, choosers

# "12", "#12", and "Acme Ltd (#12)" as a chosen record shows: the record's id.
NUMBER = re.compile(r"#?([0-9]{1,19})", re.ASCII)
CHOSEN = re.compile(r".*\(#([0-9]{1,19})\)", re.ASCII | re.DOTALL)
# How many suggestions the list offers, and how many a refusal names.
SUGGESTIONS = 10
NAMED_IN_REFUSAL = 5


def chosen_text(source: ChooserSource, record: Model) -> str:
    """Return a record as a chooser shows it once chosen: "Title (#12)"."""
    return f"{source.title(record)} (#{record.pk})"


def number_in(source: ChooserSource, text: str) -> int | None:
    """Return the id that ``text`` names: a number at its end, or a reference."""
    match = NUMBER.fullmatch(text) or CHOSEN.fullmatch(text)
    if match:
        return positive_int(match.group(1))
    return source.reference(text)


def suggestions(source: ChooserSource, text: str, records: QuerySet | None = None) -> list[Any]:
    """Return the first records that ``text`` finds, in the source's order."""
    text = text.strip()
    records = source.records() if records is None else records
    if not text:
        return []
    number = number_in(source, text)
    found = source.matching(text, records)
    if number is not None:
        found = records.filter(pk=number) | found
    return list(matches_first(found.order_by(*source.ordering))[:SUGGESTIONS])


class ChooserInput(forms.TextInput):
    """The text field of a chooser, with what the script needs to suggest records."""

    template_name = "core/widgets/chooser.html"

    def __init__(
        self, source: str, attrs: dict[str, Any] | None = None, *, compact: bool = False
    ) -> None:
        super().__init__(attrs)
        self.source = source
        # In a list's filters the how-to line is read out but not shown.
        self.compact = compact

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        source = choosers[self.source]
        field_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"].update(
            {
                "role": "combobox",
                "autocomplete": "off",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": f"{field_id}-options",
                "data-chooser": "",
                "data-chooser-status": f"{field_id}-status",
                # What the live region says, translated here for the script.
                "data-chooser-one": _("1 suggestion."),
                "data-chooser-many": _("%d suggestions."),
                "data-chooser-chosen-say": _("%s: chosen."),
            }
        )
        widget["chooser"] = {
            "url": reverse("choose", args=[self.source]),
            "list_id": f"{field_id}-options",
            "status_id": f"{field_id}-status",
            "hint_id": f"{field_id}-chooserhint",
            "vals": f'{{"field": "{name}", "list": "{field_id}-options"}}',
            "noun": source.noun,
            "plural": source.plural,
            "compact": self.compact,
        }
        described = widget["attrs"].get("aria-describedby", "")
        widget["attrs"]["aria-describedby"] = f"{described} {field_id}-chooserhint".strip()
        return context


class ChooserMultipleInput(ChooserInput):
    """Those chosen as ticked boxes, and a chooser to add one more."""

    template_name = "core/widgets/chooser_multiple.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter is not None else data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an empty list is an answer: nothing chosen

    def format_value(self, value: Any) -> Any:
        return value

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        chosen = [item for item in value or [] if isinstance(item, tuple)]
        typed = [item for item in value or [] if isinstance(item, str)]
        context = super().get_context(name, typed[0] if typed else None, attrs)
        widget = context["widget"]
        field_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["data-chooser-multiple"] = ""
        widget["attrs"]["data-chooser-chosen"] = f"{field_id}-chosen"
        widget["chosen"] = [
            {"pk": pk, "text": text, "id": f"{field_id}-chosen-{pk}"} for pk, text in chosen
        ]
        widget["chosen_id"] = f"{field_id}-chosen"
        return context


class Chooses:
    """What both chooser fields know: the kind they choose and the records they may take."""

    source_key: str
    queryset: Any

    @property
    def source(self) -> ChooserSource:
        return choosers[self.source_key]

    @property
    def choosable(self) -> QuerySet:
        """The records this field may take (its queryset, which Django types as optional)."""
        return cast(QuerySet, self.queryset)


class ChooserField(Chooses, forms.ModelChoiceField):
    """A record chosen by typing; ``queryset`` says which may be chosen here."""

    widget = ChooserInput

    def __init__(self, source: str, queryset: QuerySet, **kwargs: Any) -> None:
        kwargs.setdefault("widget", self.widget(source))
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, **kwargs)
        self.source_key = source

    def label_from_instance(self, obj: Model) -> str:
        return chosen_text(self.source, obj)

    def prepare_value(self, value: Any) -> Any:
        """Show a record (or its id, from the address or the initial data) as "Title
        (#12)"; text typed that is no record stays as typed."""
        if isinstance(value, Model):
            return chosen_text(self.source, value)
        if value in (None, "") or not str(value).strip():
            return value
        try:
            return chosen_text(self.source, self.resolve(str(value).strip()))
        except ValidationError:
            return value

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values or not str(value).strip():
            return None
        return self.resolve(str(value).strip())

    def resolve(self, text: str) -> Model:
        """Return the one record ``text`` names, or say why it names none."""
        source = self.source
        number = number_in(source, text)
        if number is not None:
            record = self.choosable.filter(pk=number).first()
            if record is None:
                raise ValidationError(
                    _("No %(noun)s with the number %(number)d can be chosen here.")
                    % {"noun": source.noun, "number": number},
                    code="invalid_choice",
                )
            return record
        found = list(
            matches_first(source.matching(text, self.choosable).order_by(*source.ordering))[
                : NAMED_IN_REFUSAL + 1
            ]
        )
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(
                _("No %(noun)s matches “%(text)s”: check the spelling, or type its number.")
                % {"noun": source.noun, "text": text},
                code="invalid_choice",
            )
        named = "; ".join(chosen_text(source, record) for record in found[:NAMED_IN_REFUSAL])
        more = _(" and more") if len(found) > NAMED_IN_REFUSAL else ""
        raise ValidationError(
            _(
                "Several %(plural)s match “%(text)s”: %(named)s%(more)s. Type more of the "
                "name, or the number after # of the one you mean."
            )
            % {"plural": source.plural, "text": text, "named": named, "more": more},
            code="invalid_choice",
        )


class ChooserMultipleField(Chooses, forms.ModelMultipleChoiceField):
    """Records chosen by typing, one at a time; each value is read as ``ChooserField``
    reads one (the ticked boxes send ids)."""

    def __init__(self, source: str, queryset: QuerySet, **kwargs: Any) -> None:
        kwargs.setdefault("widget", ChooserMultipleInput(source))
        super().__init__(queryset, **kwargs)
        self.source_key = source

    def _one(self) -> ChooserField:
        return ChooserField(self.source_key, self.choosable)

    def clean(self, value: Any) -> QuerySet:
        texts = [str(item).strip() for item in value or [] if str(item).strip()]
        if self.required and not texts:
            raise ValidationError(self.error_messages["required"], code="required")
        one, errors = self._one(), []
        records: dict[Any, Model] = {}
        for text in texts:
            try:
                record = one.resolve(text)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                records.setdefault(record.pk, record)
        if errors:
            raise ValidationError(errors)
        chosen = self.choosable.filter(pk__in=list(records))
        self.run_validators(chosen)
        return chosen

    def prepare_value(self, value: Any) -> list[Any]:
        """Return (id, "Title (#id)") for each record named, and text as typed."""
        if value is None:
            return []
        if isinstance(value, (str, Model)) or not isinstance(value, Iterable):
            value = [value]
        records, numbers, typed = [], [], []
        for item in value:
            if isinstance(item, Model):
                records.append(item)
            elif (number := positive_int(str(item))) is not None:
                numbers.append(number)
            elif str(item).strip():
                typed.append(str(item).strip())
        if numbers:
            by_pk = {record.pk: record for record in self.choosable.filter(pk__in=numbers)}
            records += [by_pk[number] for number in dict.fromkeys(numbers) if number in by_pk]
        one, unresolved = self._one(), []
        for text in typed:
            try:
                records.append(one.resolve(text))
            except ValidationError:
                unresolved.append(text)
        unique = {record.pk: record for record in records}
        chosen = [(pk, chosen_text(self.source, record)) for pk, record in unique.items()]
        return [*chosen, *unresolved]

    def has_changed(self, initial: Any, data: Any) -> bool:
        def chosen(value: Any) -> set[Any]:
            return {item[0] for item in self.prepare_value(value) if isinstance(item, tuple)}

        return chosen(initial) != chosen(data)


class ChooserFilter(QuerySetRequestMixin, django_filters.Filter):
    """A list filter that chooses one record by typing (``?customer=12`` works too);
    ``source`` names the kind, ``queryset`` those that may be chosen."""

    field_class = ChooserField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", ChooserInput(kwargs["source"], {"placeholder": ANY}, compact=True)
        )
        super().__init__(*args, **kwargs)


def people_matching(text: str, people: QuerySet) -> QuerySet:
    """Return the people whose name or email address contains the text."""
    text = text.strip()
    if not text:
        return people
    return people.filter(Q(full_name__icontains=text) | Q(email__icontains=text))


def register_people() -> None:
    """People are chosen as owners, reviewers and those asked to acknowledge."""
    choosers.register(
        ChooserSource(
            key="people",
            noun=gettext_lazy("person"),
            plural=gettext_lazy("people"),
            records=lambda: User.objects.filter(is_active=True),
            matching=people_matching,
            permission=None,
            ordering=("full_name", "email"),
            title=str,
            summary=lambda person: person.email if person.full_name else "",
        )
    )


def as_chooser(form: forms.BaseForm, name: str, source: str, queryset: QuerySet) -> None:
    """Make a form's drop-down or ticked list a chooser, keeping its label, help text,
    whether it is required, and its initial value."""
    old = form.fields[name]
    field_class: Any = (
        ChooserMultipleField if isinstance(old, forms.ModelMultipleChoiceField) else ChooserField
    )
    field = field_class(
        source,
        queryset,
        label=old.label,
        help_text=old.help_text,
        required=old.required,
        initial=old.initial,
    )
    form.fields[name] = field
