"""Filters of the needs, requirements, commitments, reviews and changes lists."""

from typing import cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserFilter
from core.filters import ANY, DateRange, Sort, VoidedHidden, date_range
from core.models import User
from customers.models import (
    Acknowledgement,
    Change,
    Commitment,
    CommitmentReview,
    Customer,
    Need,
    ProductService,
    Requirement,
    Segment,
)
from customers.requirements import selectors
from customers.requirements.models import (
    ChangeQuerySet,
    CommitmentQuerySet,
    RequirementQuerySet,
)


class NeedFilter(VoidedHidden):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    customer = ChooserFilter(
        label=_("Customer"), source="customers", queryset=Customer.objects.active()
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
        return selectors.needs_matching(value, queryset)


class RequirementFilter(VoidedHidden):
    FLAGS = [("recheck_due", _("Re-check due"))]

    q = django_filters.CharFilter(label=_("Search"), method="search")
    product = django_filters.ModelChoiceFilter(
        label=_("Product or service"), queryset=ProductService.objects.active(), empty_label=ANY
    )
    customer = ChooserFilter(
        label=_("Customer"), source="customers", queryset=Customer.objects.active()
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Requirement.Category.choices, empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Requirement.Status.choices, empty_label=ANY
    )
    owner = ChooserFilter(
        label=_("Owner"),
        source="people",
        queryset=User.objects.filter(owned_requirements__isnull=False).distinct(),
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
        return selectors.requirements_matching(value, queryset)

    def flagged(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "recheck_due":
            return cast(RequirementQuerySet, queryset).recheck_due()
        return queryset


class CommitmentFilter(DateRange, VoidedHidden):
    FLAGS = [
        ("review_reopened", _("To review again")),
        ("not_reviewed", _("Not reviewed yet")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="search")
    customer = ChooserFilter(
        label=_("Customer"), source="customers", queryset=Customer.objects.active()
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
    date_from, date_to = date_range(
        "committed_on", _("Commitment date from"), _("Commitment date to")
    )
    ordering = Sort(
        label=_("Sort by"),
        empty_label=_("Commitment date, latest first"),
        fields=(
            ("committed_on", "date"),
            ("customer__name", "customer"),
            ("current_review__reviewed_on", "reviewed"),
            ("made_at", "made"),
        ),
        field_labels={
            "committed_on": _("Commitment date"),
            "customer__name": _("Customer"),
            "current_review__reviewed_on": _("Review date"),
            "made_at": _("Date made"),
        },
    )

    class Meta:
        model = Commitment
        fields = ["q", "customer", "kind", "status", "flag", "date_from", "date_to"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.commitments_matching(value, queryset)

    def flagged(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "review_reopened":
            return cast(CommitmentQuerySet, queryset).needs_review_again()
        if value == "not_reviewed":
            return cast(CommitmentQuerySet, queryset).not_reviewed()
        return queryset


class ReviewFilter(DateRange):
    """The reviews an auditor samples (8.2.3): by review date, outcome, reviewer and
    customer. The customer is found by a part of its name, since a select of every
    customer would be tens of thousands of options long."""

    date_from, date_to = date_range("reviewed_on", _("Review date from"), _("Review date to"))
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=CommitmentReview.Outcome.choices, empty_label=ANY
    )
    reviewer = ChooserFilter(label=_("Reviewer"), source="people", queryset=selectors.reviewers())
    customer = django_filters.CharFilter(
        label=_("Customer name contains"),
        field_name="commitment__customer__name",
        lookup_expr="icontains",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of commitment"),
        field_name="commitment__kind",
        choices=Commitment.Kind.choices,
        empty_label=ANY,
    )
    ordering = Sort(
        label=_("Sort by"),
        empty_label=_("Review date, latest first"),
        fields=(
            ("reviewed_on", "date"),
            ("created_at", "recorded"),
            ("outcome", "outcome"),
            ("commitment__customer__name", "customer"),
        ),
        field_labels={
            "reviewed_on": _("Review date"),
            "created_at": _("Recorded"),
            "outcome": _("Outcome"),
            "commitment__customer__name": _("Customer"),
        },
    )

    class Meta:
        model = CommitmentReview
        fields = ["date_from", "date_to", "outcome", "reviewer", "customer", "kind"]


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
