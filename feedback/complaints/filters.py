"""Filters of the feedback list, and of the figures page (the same filters, so that a
figure and the list it links to count the same items)."""

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserFilter
from core.filters import ANY, DateRange, Sort, VoidedHidden, date_range
from core.models import User
from customers.models import Contact, Customer, ProductService
from feedback.complaints import selectors
from feedback.complaints.models import FeedbackItem, FeedbackItemQuerySet


class Period(DateRange, VoidedHidden):
    """What the figures page and the list share: when the items were received, and
    the product or service they are about."""

    date_from, date_to = date_range("received_at__date", _("Received from"), _("Received to"))
    product = django_filters.ModelChoiceFilter(
        label=_("Product or service"), queryset=ProductService.objects.active(), empty_label=ANY
    )

    class Meta:
        model = FeedbackItem
        fields = ["date_from", "date_to", "product"]


class FeedbackFilter(Period):
    FLAGS = [
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("acknowledgement_overdue", _("Acknowledgement overdue")),
    ]
    # The severity of a complaint not assessed yet (the figures link to it).
    NOT_ASSESSED = "none"
    ASSIGNMENT = [("mine", _("Mine")), ("unassigned", _("Not assigned to anyone"))]

    q = django_filters.CharFilter(label=_("Search (text or reference)"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=FeedbackItem.Kind.choices, empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=FeedbackItem.Status.choices, empty_label=ANY
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"),
        choices=[*FeedbackItem.Severity.choices, (NOT_ASSESSED, _("Not assessed yet"))],
        empty_label=ANY,
        method="by_severity",
    )
    flag = django_filters.ChoiceFilter(
        label=_("Flag"), choices=FLAGS, empty_label=ANY, method="flagged"
    )
    assignment = django_filters.ChoiceFilter(
        label=_("Assigned"), choices=ASSIGNMENT, empty_label=ANY, method="assigned"
    )
    owner = ChooserFilter(
        label=_("Owner"),
        source="people",
        queryset=User.objects.filter(owned_feedback__isnull=False).distinct(),
    )
    customer = ChooserFilter(
        label=_("Customer"), source="customers", queryset=Customer.objects.active()
    )
    contact = ChooserFilter(label=_("Contact"), source="contacts", queryset=Contact.objects.all())
    channel = django_filters.ChoiceFilter(
        label=_("Received by"), choices=FeedbackItem.Channel.choices, empty_label=ANY
    )
    ordering = Sort(
        label=_("Sort by"),
        empty_label=_("Received, latest first"),
        fields=(("received_at", "received"), ("due_at", "due"), ("updated_at", "updated")),
        field_labels={
            "received_at": _("Date received"),
            "due_at": _("Date due"),
            "updated_at": _("Last change"),
        },
    )

    class Meta:
        model = FeedbackItem
        fields = [
            "q",
            "kind",
            "status",
            "severity",
            "flag",
            "assignment",
            "owner",
            "customer",
            "contact",
            "product",
            "channel",
            "date_from",
            "date_to",
        ]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.feedbacks_matching(value, queryset)

    def flagged(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return cast(FeedbackItemQuerySet, queryset).open()
        if value == "overdue":
            return cast(FeedbackItemQuerySet, queryset).overdue()
        if value == "acknowledgement_overdue":
            return cast(FeedbackItemQuerySet, queryset).acknowledgement_overdue()
        return queryset

    def by_severity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == self.NOT_ASSESSED:
            return queryset.filter(severity="")
        return queryset.filter(severity=value) if value else queryset

    def assigned(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "mine":
            user: Any = getattr(self.request, "user", None)
            return queryset.filter(owner_id=getattr(user, "pk", None))
        if value == "unassigned":
            return cast(FeedbackItemQuerySet, queryset).unowned()
        return queryset
