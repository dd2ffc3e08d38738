"""What the campaigns register adds to the lower apps' registries, called from
SurveysConfig.ready()."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from surveys.campaigns import selectors


def contact_section(contact: Any, user: Any) -> dict[str, Any]:
    """Return what the "Surveys" section of a contact's page shows."""
    invitations, total = selectors.contact_invitations(contact)
    return {"invitations": invitations, "total": total}


def register() -> None:
    """Offer "Send a survey" and the invitations on a contact's page, and the
    invitations sent on the customer's timeline."""
    from core.registries import (  # noqa: PLC0415
        RecordAction,
        RecordSection,
        TimelineSource,
        customer_timeline,
        record_actions,
        record_sections,
    )

    record_actions.register(
        RecordAction(
            key="surveys.invitation_send",
            label=_("Send a survey"),
            model="customers.contact",
            url=lambda contact: reverse("surveys:invitation_send", args=[contact.pk]),
            permission="surveys.add_invitation",
            applies=lambda contact: contact.erased_at is None,
            order=40,
        )
    )
    record_sections.register(
        RecordSection(
            key="surveys.contact_invitations",
            model="customers.contact",
            template="surveys/campaigns/contact_section.html",
            context=contact_section,
            permission="surveys.view_invitation",
        )
    )
    customer_timeline.register(
        TimelineSource(
            key="surveys.invitations",
            label=_("Survey invitations"),
            entries=selectors.timeline_entries,
            permission="surveys.view_invitation",
        )
    )
