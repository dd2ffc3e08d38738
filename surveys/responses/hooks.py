"""What the responses register adds to the lower apps' registries, called from
SurveysConfig.ready()."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Show responses on the customer's timeline and in the header search; scrub an
    erased contact's answers."""
    from core.registries import (  # noqa: PLC0415
        SearchProvider,
        TimelineSource,
        customer_timeline,
        search,
    )
    from customers.register.services import contact_erased  # noqa: PLC0415
    from surveys.responses import erasure, selectors  # noqa: PLC0415

    customer_timeline.register(
        TimelineSource(
            key="surveys.responses",
            label=_("Survey responses"),
            entries=selectors.timeline_entries,
            permission="surveys.view_response",
        )
    )
    search.register(
        SearchProvider(
            key="surveys.responses",
            label=_("Survey responses"),
            search=selectors.response_search,
            list_url_name="surveys:response_list",
            permission="surveys.view_response",
            order=40,
            title=lambda response: f"{response} · {response.version}",
            summary=lambda response: " · ".join(
                str(part)
                for part in (
                    response.contact.name,
                    response.customer.name,
                    response.completed_at.date().isoformat()
                    if response.completed_at
                    else _("partial"),
                )
            ),
        )
    )
    contact_erased.connect(
        erasure.forget_erased_contact, dispatch_uid="surveys.responses.forget_erased"
    )
