"""Filter pieces every register's list pages share (django-filter)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

ANY = _("Any")


class YesNoWidget(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", ANY), ("true", _("Yes")), ("false", _("No"))]


class VoidedHidden(django_filters.FilterSet):
    """A list that hides voided records unless asked."""

    voided = django_filters.BooleanFilter(
        label=_("Include voided"), method="keep", widget=forms.CheckboxInput
    )

    def keep(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # applied in qs, so voided rows stay hidden when unset

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not self.form.cleaned_data.get("voided"):
            queryset = queryset.filter(voided_at__isnull=True)
        return queryset


def search_fields(queryset: QuerySet, value: str, *fields: str) -> QuerySet:
    """Return the rows where any of the fields contains the value, case-insensitively."""
    value = value.strip()
    if not value:
        return queryset
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": value})
    return queryset.filter(query)
