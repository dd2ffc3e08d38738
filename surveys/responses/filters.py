"""Filters of the response list."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserFilter
from core.filters import ANY, DateRange, date_range
from customers.models import Contact, Customer
from surveys.campaigns.filters import questionnaires, used_versions
from surveys.responses import selectors
from surveys.responses.models import Response, ResponseQuerySet


class ResponseFilter(DateRange):
    COMPLETION = [("complete", _("Submitted")), ("partial", _("Partial: not submitted"))]

    q = django_filters.CharFilter(label=_("Contact, customer or answer"), method="search")
    questionnaire = django_filters.ModelChoiceFilter(
        label=_("Questionnaire"),
        field_name="version__questionnaire",
        queryset=questionnaires(),
        empty_label=ANY,
    )
    version = django_filters.ModelChoiceFilter(
        label=_("Version"), queryset=used_versions(), empty_label=ANY
    )
    completion = django_filters.ChoiceFilter(
        label=_("Submitted"), choices=COMPLETION, empty_label=ANY, method="completed"
    )
    customer = ChooserFilter(
        label=_("Customer"), source="customers", queryset=Customer.objects.all()
    )
    contact = ChooserFilter(label=_("Contact"), source="contacts", queryset=Contact.objects.all())
    date_from, date_to = date_range("started_at__date", _("Started from"), _("Started to"))

    class Meta:
        model = Response
        fields = ["q", "questionnaire", "version", "completion", "customer", "contact"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.responses_matching(value, queryset)

    def completed(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        responses: ResponseQuerySet = queryset  # type: ignore[assignment]
        if value == "complete":
            return responses.completed()
        if value == "partial":
            return responses.partial()
        return queryset
