"""Filters of the needs, requirements, commitments and changes lists."""

from typing import cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import ANY, VoidedHidden, search_fields
from core.models import User
from customers.models import (
    Acknowledgement,
    Change,
    Commitment,
    Customer,
    Need,
    ProductService,
    Requirement,
    Segment,
)
from customers.requirements.models import (
    ChangeQuerySet,
    CommitmentQuerySet,
    RequirementQuerySet,
)


class NeedFilter(VoidedHidden):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), queryset=Customer.objects.active(), empty_label=ANY
    )
    segment = django_filters.ModelChoiceFilter(
        label=_("Segment"), queryset=Segment.objects.active(), empty_label=ANY
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Need.Kind.choices, empty_label=ANY)
    horizon = django_filters.ChoiceFilter(
        label=_("Current or future"), choices=Need.Horizon.choices, empty_label=ANY
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Need.Priority.choices, empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Need.Status.choices, empty_label=ANY
    )

    class Meta:
        model = Need
        fields = ["q", "customer", "segment", "kind", "horizon", "priority", "status"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_fields(
            queryset, value, "title", "description", "other_party", "customer__name"
        )


class RequirementFilter(VoidedHidden):
    FLAGS = [("recheck_due", _("Re-check due"))]

    q = django_filters.CharFilter(label=_("Search"), method="search")
    product = django_filters.ModelChoiceFilter(
        label=_("Product or service"), queryset=ProductService.objects.active(), empty_label=ANY
    )
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), queryset=Customer.objects.active(), empty_label=ANY
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Requirement.Category.choices, empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Requirement.Status.choices, empty_label=ANY
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=User.objects.filter(owned_requirements__isnull=False).distinct(),
        empty_label=ANY,
    )
    flag = django_filters.ChoiceFilter(
        label=_("Flag"), choices=FLAGS, empty_label=ANY, method="flagged"
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Product"),
        fields=(("title", "title"), ("recheck_due", "recheck"), ("updated_at", "updated")),
        field_labels={
            "title": _("Title"),
            "recheck_due": _("Re-check date"),
            "updated_at": _("Last change"),
        },
    )

    class Meta:
        model = Requirement
        fields = ["q", "product", "customer", "category", "status", "owner", "flag"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value.strip().upper().startswith("REQ-") and value.strip()[4:].isdigit():
            return queryset.filter(pk=int(value.strip()[4:]))
        return search_fields(queryset, value, "title", "text", "claim", "source")

    def flagged(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "recheck_due":
            return cast(RequirementQuerySet, queryset).recheck_due()
        return queryset


class CommitmentFilter(VoidedHidden):
    FLAGS = [
        ("review_reopened", _("To review again")),
        ("not_reviewed", _("Not reviewed yet")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="search")
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), queryset=Customer.objects.active(), empty_label=ANY
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Commitment.Kind.choices, empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Commitment.Status.choices, empty_label=ANY
    )
    flag = django_filters.ChoiceFilter(
        label=_("Flag"), choices=FLAGS, empty_label=ANY, method="flagged"
    )

    class Meta:
        model = Commitment
        fields = ["q", "customer", "kind", "status", "flag"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_fields(queryset, value, "reference", "title", "customer__name")

    def flagged(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "review_reopened":
            return cast(CommitmentQuerySet, queryset).needs_review_again()
        if value == "not_reviewed":
            return cast(CommitmentQuerySet, queryset).not_reviewed()
        return queryset


class ChangeFilter(django_filters.FilterSet):
    STATES = [
        ("outstanding", _("Acknowledgement outstanding")),
        ("complete", _("All acknowledged")),
    ]

    state = django_filters.ChoiceFilter(
        label=_("Acknowledgements"), choices=STATES, empty_label=ANY, method="by_state"
    )
    mine = django_filters.BooleanFilter(
        label=_("Only changes waiting for my acknowledgement"),
        method="for_me",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Change
        fields = ["state", "mine"]

    def by_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        pending = Acknowledgement.objects.filter(acknowledged_at__isnull=True)
        if value == "outstanding":
            return queryset.filter(pk__in=pending.values("change"))
        if value == "complete":
            return queryset.exclude(pk__in=pending.values("change"))
        return queryset

    def for_me(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value and self.request is not None:
            return cast(ChangeQuerySet, queryset).waiting_for(self.request.user)
        return queryset
