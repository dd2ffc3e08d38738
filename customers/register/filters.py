import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import ANY, VoidedHidden, YesNoWidget
from customers.models import Contact, Customer, Segment
from customers.register.selectors import account_owners


class CustomerFilter(VoidedHidden):
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
    owner = django_filters.ModelChoiceFilter(
        label=_("Account owner"),
        field_name="account_owner",
        queryset=account_owners(),
        empty_label=ANY,
    )
    ordering = django_filters.OrderingFilter(
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
        """Find customers by their name or the name or email of an active contact.

        The contacts are matched in a subquery: a join beside the list's contact count
        would multiply the count by the contacts that match.
        """
        value = value.strip()
        if not value:
            return queryset
        contacts = Contact.objects.active().filter(
            Q(name__icontains=value) | Q(email__icontains=value.lower())
        )
        return queryset.filter(Q(name__icontains=value) | Q(pk__in=contacts.values("customer")))


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Contact.Language.choices, empty_label=ANY
    )
    consent = django_filters.BooleanFilter(label=_("Consents to surveys"), widget=YesNoWidget)
    opted_out = django_filters.BooleanFilter(label=_("Opted out"), widget=YesNoWidget)
    ordering = django_filters.OrderingFilter(
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
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(email__icontains=value.lower())
            | Q(customer__name__icontains=value)
        )
