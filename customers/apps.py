from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customers (5.1.2, 8.2.2-8.2.4): organisations, contacts, requirements."""

    name = "customers"
    verbose_name = _("Customers")
