"""What the public pages add to the lower apps' registries, called from FeedbackConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import registries


def register() -> None:
    """Offer "Email a feedback form link" on a contact's page."""
    registries.record_actions.register(
        registries.RecordAction(
            key="feedback.contact_link_send",
            label=_("Email a feedback form link"),
            model="customers.contact",
            url=lambda contact: reverse("feedback:contact_link_send", args=[contact.pk]),
            permission="feedback.add_feedbacklink",
            applies=lambda contact: contact.erased_at is None,
            order=50,
        )
    )
