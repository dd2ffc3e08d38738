"""Filter pieces every register's list pages share (django-filter)."""

from datetime import datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

ANY = _("Any")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YesNoWidget(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", ANY), ("true", _("Yes")), ("false", _("No"))]


class VoidedHidden(django_filters.FilterSet):
    """A list that hides voided records unless asked.

    A filter value the form refuses (a name that finds several customers, a choice
    that is not one) shows its message beside the field and the list shows no rows,
    rather than every row as if the filter were not there.
    """

    voided = django_filters.BooleanFilter(
        label=_("Include voided"), method="keep", widget=forms.CheckboxInput
    )

    def keep(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # applied in qs, so voided rows stay hidden when unset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not self.form.cleaned_data.get("voided"):
            queryset = queryset.filter(voided_at__isnull=True)
        return queryset


class DayBoundFilter(django_filters.DateFilter):
    """A day on a date-and-time field: from the start of the day (``first``) or up to
    the start of the next (``last``), in the site's time zone.

    Comparing the stored time with the day's bounds lets an index on the field serve
    the range; ``field__date`` would convert every row's time to a date first.
    """

    def __init__(self, *args: Any, last: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last = last

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        day = value + timedelta(days=1) if self.last else value
        bound = timezone.make_aware(datetime.combine(day, time.min))
        lookup = "lt" if self.last else "gte"
        return qs.filter(**{f"{self.field_name}__{lookup}": bound})


def date_range(
    field_name: str, start_label: Any, end_label: Any
) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    """Return the ``date_from`` and ``date_to`` filters of a ``DateRange`` list: both
    inclusive, on a date field, or on the days of a date-and-time field named with
    ``__date`` (``received_at__date``), compared with the days' bounds."""
    if field_name.endswith("__date"):
        stored = field_name.removesuffix("__date")
        return (
            DayBoundFilter(field_name=stored, label=start_label, widget=DATE_INPUT),
            DayBoundFilter(field_name=stored, label=end_label, widget=DATE_INPUT, last=True),
        )
    return (
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="gte", label=start_label, widget=DATE_INPUT
        ),
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="lte", label=end_label, widget=DATE_INPUT
        ),
    )


class DateRangeForm(forms.Form):
    """A filter form whose ``date_to`` may not come before its ``date_from``."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                _(
                    "The range ends (%(end)s) before it starts (%(start)s): choose an end "
                    "date on or after the start date."
                )
                % {"start": start.isoformat(), "end": end.isoformat()},
            )
        return data


class DateRange(django_filters.FilterSet):
    """A list with a date range: subclasses declare
    ``date_from, date_to = date_range(...)``.

    A filter value the form refuses (a range that ends before it starts, a date that
    is not one) shows its message beside the field and the list shows no rows, rather
    than rows filtered by half of what the reader asked.
    """

    def get_form_class(self) -> type[forms.Form]:
        return type(self.__class__.__name__ + "Form", (DateRangeForm, super().get_form_class()), {})

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)


def may_be_empty(model: Any, path: str) -> bool:
    """Return whether the value a sort names (``name``, ``customer__name``) may be
    NULL: a nullable field, one reached through a nullable key, or an annotation
    (which cannot be told from the model)."""
    *relations, last = path.split("__")
    try:
        for relation in relations:
            field = model._meta.get_field(relation)
            if field.null:
                return True
            model = field.related_model
        return bool(model._meta.get_field(last).null)
    except FieldDoesNotExist:
        return True


class Sort(django_filters.OrderingFilter):
    """A list's "Sort by": rows without a value come last either way, and rows that tie
    keep one order (by id), so that no row shows on two pages or on none.

    "Last" is said only of values that may be empty: an index read backwards gives a
    descending order with empty values first, so saying it of a column that is never
    empty would stop PostgreSQL from reading the index for the list's order.
    """

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if param in EMPTY_VALUES:
                continue
            name = self.get_ordering_value(param)
            path = name.removeprefix("-")
            field = F(path)
            last = True if may_be_empty(qs.model, path) else None
            ordering.append(
                field.desc(nulls_last=last) if name.startswith("-") else field.asc(nulls_last=last)
            )
        return qs.order_by(*ordering, "pk")
