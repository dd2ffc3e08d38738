from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customers (5.1.2, 8.2.2-8.2.4): organisations, contacts, requirements."""

    name = "customers"
    verbose_name = _("Customers")
    # Loaded by `manage.py load_demo`, in this order: requirements need customers.
    demo_modules = ("customers.register.demo", "customers.requirements.demo")

    def ready(self) -> None:
        from core.registries import HomePanel, NavItem, home_panels, navigation  # noqa: PLC0415
        from customers.register import views as register  # noqa: PLC0415
        from customers.requirements import views as requirements  # noqa: PLC0415

        navigation.register(
            NavItem(
                key="customers.register",
                label=_("Customers"),
                url_name="customers:customer_list",
                permission="customers.view_customer",
                order=10,
                description=_(
                    "The customer register: organisations and people, their contacts, segments "
                    "and what they use."
                ),
            )
        )
        navigation.register(
            NavItem(
                key="customers.requirements",
                label=_("Requirements"),
                url_name="customers:requirement_list",
                permission="customers.view_requirement",
                order=11,
                section_url_names=(
                    "customers:need_list",
                    "customers:commitment_list",
                    "customers:review_list",
                    "customers:change_list",
                ),
                description=_(
                    "Needs and expectations, requirements, and the review of quotes, orders and "
                    "contracts before they are made."
                ),
            )
        )
        home_panels.register(
            HomePanel(
                key="customers.requirements",
                title=_("Requirements and commitments"),
                template="customers/requirements/panels/home.html",
                permission="customers.view_requirement",
                order=21,
                context=requirements.home_panel,
            )
        )
        home_panels.register(
            HomePanel(
                key="customers.summary",
                title=_("Customers"),
                template="customers/register/panels/home.html",
                permission="customers.view_customer",
                order=20,
                context=register.home_panel,
            )
        )
