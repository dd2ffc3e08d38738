"""Filters of the invitation list."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserFilter
from core.filters import ANY, DateRange, date_range
from customers.models import Contact, Customer
from surveys.campaigns import selectors
from surveys.campaigns.models import Invitation, Progress
from surveys.design.models import Questionnaire, QuestionnaireVersion


def questionnaires() -> QuerySet[Questionnaire]:
    """The questionnaires a survey list filters by: those not voided, by name."""
    return Questionnaire.objects.filter(voided_at__isnull=True).order_by("name", "pk")


def used_versions() -> QuerySet[QuestionnaireVersion]:
    """The versions anything was sent with (``frozen_at``: first used), by questionnaire."""
    return (
        QuestionnaireVersion.objects.filter(frozen_at__isnull=False)
        .select_related("questionnaire")
        .order_by("questionnaire__name", "-number", "pk")
    )


class InvitationFilter(DateRange):
    q = django_filters.CharFilter(label=_("Contact or customer"), method="search")
    questionnaire = django_filters.ModelChoiceFilter(
        label=_("Questionnaire"),
        field_name="version__questionnaire",
        queryset=questionnaires(),
        empty_label=ANY,
    )
    version = django_filters.ModelChoiceFilter(
        label=_("Version"), queryset=used_versions(), empty_label=ANY
    )
    progress = django_filters.ChoiceFilter(
        label=_("State"), choices=Progress.choices, empty_label=ANY, method="standing"
    )
    customer = ChooserFilter(
        label=_("Customer"), source="customers", queryset=Customer.objects.all()
    )
    contact = ChooserFilter(label=_("Contact"), source="contacts", queryset=Contact.objects.all())
    date_from, date_to = date_range("created_at__date", _("Made from"), _("Made to"))

    class Meta:
        model = Invitation
        fields = ["q", "questionnaire", "version", "progress", "customer", "contact"]

    def standing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.in_progress(value)  # type: ignore[attr-defined]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.invitations_matching(value, queryset)
