from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserFilter
from core.expressions import matches_first
from core.filters import ANY, Sort, VoidedHidden, YesNoWidget
from customers.models import Contact, Customer, ImportJob, Segment
from customers.register import selectors


class ImportedBy(django_filters.FilterSet):
    """``?import=<job id>``: only the records one import created or updated."""

    # ``import`` is a Python keyword: the filter is declared under that name this way.
    vars()["import"] = django_filters.ModelChoiceFilter(
        label=_("Import"),
        queryset=ImportJob.objects.filter(state=ImportJob.State.DONE),
        method="imported",
        widget=forms.HiddenInput,
    )

    def imported(self, queryset: QuerySet, name: str, job: ImportJob) -> QuerySet:
        return selectors.imported_by(queryset, job)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if "import" in self.form.errors:
            # An import that is not there (or not finished) shows nothing, not everything.
            return queryset.none()
        return super().filter_queryset(queryset)

    @property
    def import_job(self) -> Any:
        """Return the import the list is filtered by, if any (after validation)."""
        return getattr(self.form, "cleaned_data", {}).get("import")


class CustomerFilter(ImportedBy, VoidedHidden):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    segment = django_filters.ModelChoiceFilter(
        label=_("Segment"),
        field_name="segments",
        queryset=Segment.objects.active(),
        empty_label=ANY,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Customer.Status.choices, empty_label=ANY
    )
    owner = ChooserFilter(
        label=_("Account owner"),
        field_name="account_owner",
        source="people",
        queryset=selectors.account_owners(),
    )
    ordering = Sort(
        label=_("Sort by"),
        empty_label=_("Name"),
        fields=(
            ("name", "name"),
            ("status", "status"),
            ("account_owner__full_name", "owner"),
            ("updated_at", "updated"),
            ("contact_count", "contacts"),
        ),
        field_labels={
            "name": _("Name"),
            "status": _("Status"),
            "account_owner__full_name": _("Owner"),
            "updated_at": _("Last change"),
            "contact_count": _("Contacts"),
        },
    )

    class Meta:
        model = Customer
        fields = ["q", "segment", "status", "owner"]

    def search(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        return selectors.customers_matching(value, queryset)


class ContactFilter(ImportedBy):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Contact.Language.choices, empty_label=ANY
    )
    consent = django_filters.BooleanFilter(label=_("Consents to surveys"), widget=YesNoWidget)
    opted_out = django_filters.BooleanFilter(label=_("Opted out"), widget=YesNoWidget)
    ordering = Sort(
        label=_("Sort by"),
        empty_label=_("Name"),
        fields=(
            ("name", "name"),
            ("email", "email"),
            ("customer__name", "customer"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "name": _("Name"),
            "email": _("Email"),
            "customer__name": _("Customer"),
            "updated_at": _("Last change"),
        },
    )

    class Meta:
        model = Contact
        fields = ["q", "language", "consent", "opted_out"]

    def search(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        return selectors.contacts_matching(value, queryset)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if (self.form.cleaned_data.get("q") or "").strip():
            # Found through the search's indexes, then sorted (``matches_first``).
            queryset = matches_first(queryset)
        return queryset
