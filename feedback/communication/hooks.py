"""What this register adds to the lower apps' registries, called from FeedbackConfig.ready()."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.registries import (
    HomePanel,
    NavItem,
    SearchProvider,
    TimelineSource,
    customer_timeline,
    home_panels,
    navigation,
    search,
)


class CommunicationSearch(SearchProvider):
    """The header search's communications; "Show all" lists the log's communications
    alone (its search also finds emails by subject), so that it lists exactly N."""

    def list_url(self, text: str) -> str:
        return f"{super().list_url(text)}&source=entry"


def _line(*parts: Any) -> str:
    return " · ".join(str(part) for part in parts if part)


def register() -> None:
    """Fill the registries and connect the signals this register needs."""
    from customers.register.services import contact_erased  # noqa: PLC0415
    from feedback.communication import selectors, services, views  # noqa: PLC0415

    navigation.register(
        NavItem(
            key="feedback.communication",
            label=_("Communication"),
            url_name="feedback:communication_list",
            permission="feedback.view_communication",
            order=30,
            section_url_names=("feedback:plan",),
            description=_(
                "The communication log (calls, meetings, visits and every email sent) and "
                "the communication plan of clause 7.4."
            ),
        )
    )
    home_panels.register(
        HomePanel(
            key="feedback.plan_overdue",
            title=_("Planned communications overdue"),
            template="feedback/communication/panels/overdue.html",
            # Whoever may log the communication that fulfils a row: quality managers
            # see every overdue row, the others the rows they are responsible for.
            permission="feedback.add_communication",
            order=25,
            context=views.home_panel,
        )
    )
    customer_timeline.register(
        TimelineSource(
            key="feedback.communications",
            label=_("Communications"),
            entries=selectors.timeline_communications,
            permission="feedback.view_communication",
        )
    )
    customer_timeline.register(
        TimelineSource(
            key="feedback.emails",
            label=_("Emails"),
            entries=selectors.timeline_emails,
            permission="feedback.view_communication",
        )
    )
    search.register(
        CommunicationSearch(
            key="feedback.communication",
            label=_("Communications"),
            search=selectors.communication_search,
            list_url_name="feedback:communication_list",
            permission="feedback.view_communication",
            order=30,
            summary=lambda entry: _line(
                timezone.localdate(entry.occurred_at).isoformat(),
                entry.get_channel_display(),
                entry.customer.name if entry.customer_id else entry.get_audience_display(),
            ),
        )
    )
    contact_erased.connect(
        services.forget_erased_contact, dispatch_uid="feedback.communication.forget_erased"
    )
