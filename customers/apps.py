from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _line(*parts: Any) -> str:
    """Return the parts of a search result's summary line that are set, joined."""
    return " · ".join(str(part) for part in parts if part)


class CustomersConfig(AppConfig):
    """Customers (5.1.2, 8.2.2-8.2.4): organisations, contacts, requirements."""

    name = "customers"
    verbose_name = _("Customers")
    # Loaded by `manage.py load_demo`, in this order: requirements need customers.
    demo_modules = ("customers.register.demo", "customers.requirements.demo")

    def ready(self) -> None:
        from core.registries import HomePanel, NavItem, home_panels, navigation  # noqa: PLC0415
        from customers.register import views as register  # noqa: PLC0415
        from customers.register.imports import retention  # noqa: PLC0415
        from customers.register.services import contact_erased  # noqa: PLC0415
        from customers.requirements import views as requirements  # noqa: PLC0415

        self.register_search()
        self.register_choosers()
        self.register_personal_data()
        contact_erased.connect(
            retention.forget_erased_contact, dispatch_uid="customers.imports.forget_erased"
        )

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

    def register_personal_data(self) -> None:
        """Tell a search for an erased person what the suppression list keeps of them."""
        from core.registries import PersonalDataPlace, personal_data  # noqa: PLC0415

        personal_data.register(
            PersonalDataPlace(
                key="customers.suppression",
                kept="customers.SuppressedEmail.email_hash",
                why=_(
                    "A hash of an erased person's address, kept so that an import or the "
                    "contact form does not bring them back; the address is not kept."
                ),
            )
        )

    def register_search(self) -> None:
        """Let the header search find customers, contacts, needs, requirements and
        commitments, each kind for those who may view it."""
        from core.registries import SearchProvider, search  # noqa: PLC0415
        from customers.register import selectors as register  # noqa: PLC0415
        from customers.requirements import selectors as requirements  # noqa: PLC0415

        search.register(
            SearchProvider(
                key="customers.customer",
                label=_("Customers"),
                search=register.customer_search,
                list_url_name="customers:customer_list",
                permission="customers.view_customer",
                order=10,
                summary=lambda customer: _line(
                    customer.get_status_display(), customer.country.name
                ),
            )
        )
        search.register(
            SearchProvider(
                key="customers.contact",
                label=_("Contacts"),
                search=register.contact_search,
                list_url_name="customers:contact_list",
                permission="customers.view_contact",
                order=11,
                title=lambda contact: contact.name,
                summary=lambda contact: _line(contact.email, contact.customer.name),
            )
        )
        search.register(
            SearchProvider(
                key="customers.need",
                label=_("Needs"),
                search=requirements.need_search,
                list_url_name="customers:need_list",
                permission="customers.view_need",
                order=12,
                summary=lambda need: _line(need.party, need.get_status_display()),
            )
        )
        search.register(
            SearchProvider(
                key="customers.requirement",
                label=_("Requirements"),
                search=requirements.requirement_search,
                list_url_name="customers:requirement_list",
                permission="customers.view_requirement",
                order=13,
                summary=lambda requirement: _line(
                    requirement.product.name,
                    requirement.customer.name if requirement.customer else "",
                    requirement.get_status_display(),
                ),
            )
        )
        search.register(
            SearchProvider(
                key="customers.commitment",
                label=_("Commitments"),
                search=requirements.commitment_search,
                list_url_name="customers:commitment_list",
                permission="customers.view_commitment",
                order=14,
                summary=lambda commitment: _line(
                    commitment.title, commitment.customer.name, commitment.get_status_display()
                ),
            )
        )

    def register_choosers(self) -> None:
        """Let forms and filters choose customers, contacts, needs and requirements by
        typing (``core.choosers``), each kind for those who may view it."""
        from core.registries import ChooserSource, choosers  # noqa: PLC0415
        from customers.models import Contact, Customer, Need, Requirement  # noqa: PLC0415
        from customers.register import selectors as register  # noqa: PLC0415
        from customers.requirements import selectors as requirements  # noqa: PLC0415

        choosers.register(
            ChooserSource(
                key="customers",
                noun=_("customer"),
                plural=_("customers"),
                records=Customer.objects.active,
                matching=register.customers_named,
                permission="customers.view_customer",
                ordering=("name", "pk"),
                title=lambda customer: customer.name,
                summary=lambda customer: _line(
                    customer.get_status_display(), customer.country.name
                ),
            )
        )
        choosers.register(
            ChooserSource(
                key="contacts",
                noun=_("contact"),
                plural=_("contacts"),
                records=lambda: Contact.objects.active().select_related("customer"),
                matching=register.contacts_matching,
                permission="customers.view_contact",
                ordering=("name", "pk"),
                title=lambda contact: contact.name,
                summary=lambda contact: _line(contact.email, contact.customer.name),
            )
        )
        choosers.register(
            ChooserSource(
                key="needs",
                noun=_("need"),
                plural=_("needs"),
                records=lambda: Need.objects.active().select_related("customer", "segment"),
                matching=requirements.needs_matching,
                permission="customers.view_need",
                ordering=("title", "pk"),
                title=lambda need: need.title,
                summary=lambda need: _line(need.party, need.get_status_display()),
            )
        )
        choosers.register(
            ChooserSource(
                key="requirements",
                noun=_("requirement"),
                plural=_("requirements"),
                records=lambda: Requirement.objects.active().select_related("product"),
                matching=requirements.requirements_matching,
                permission="customers.view_requirement",
                title=lambda requirement: f"{requirement.reference} {requirement.title}",
                summary=lambda requirement: _line(
                    requirement.product.name,
                    f"v{requirement.version}",
                    requirement.get_status_display(),
                ),
                reference=requirements.requirement_number,
            )
        )
