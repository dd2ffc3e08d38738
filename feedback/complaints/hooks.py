"""What this register adds to the lower apps' registries, called from FeedbackConfig.ready()."""

from django.utils.translation import gettext_lazy as _


def _line(*parts: object) -> str:
    return " · ".join(str(part) for part in parts if part)


def register() -> None:
    """Fill the registries and connect the signals this register needs."""
    from core.choosers import people_matching  # noqa: PLC0415
    from core.registries import (  # noqa: PLC0415
        ChooserSource,
        HomePanel,
        NavItem,
        SearchProvider,
        TimelineSource,
        choosers,
        customer_timeline,
        home_panels,
        navigation,
        search,
    )
    from customers.register.services import contact_erased  # noqa: PLC0415
    from feedback.complaints import erasure, selectors, views  # noqa: PLC0415
    from feedback.complaints.models import HANDLERS, feedback_handlers  # noqa: PLC0415

    # The owner of a feedback item is chosen among those who may handle it: the
    # suggestions offer no one the form would refuse.
    choosers.register(
        ChooserSource(
            key=HANDLERS,
            noun=_("person who handles feedback"),
            plural=_("people who handle feedback"),
            records=feedback_handlers,
            matching=people_matching,
            permission="feedback.view_feedbackitem",
            ordering=("full_name", "email"),
            title=str,
            summary=lambda person: person.email if person.full_name else "",
        )
    )

    navigation.register(
        NavItem(
            key="feedback.complaints",
            label=_("Feedback"),
            url_name="feedback:item_list",
            permission="feedback.view_feedbackitem",
            order=20,
            section_url_names=("feedback:figures", "feedback:item_create"),
            description=_(
                "Complaints, compliments, suggestions, enquiries and follow-ups, and the "
                "handling of each complaint until the customer accepts the decision."
            ),
        )
    )
    home_panels.register(
        HomePanel(
            key="feedback.complaints",
            title=_("Complaints and follow-ups"),
            template="feedback/complaints/panels/home.html",
            # Those who handle feedback: staff their own, quality managers all.
            permission="feedback.change_feedbackitem",
            order=30,
            context=views.home_panel,
        )
    )
    customer_timeline.register(
        TimelineSource(
            key="feedback.items",
            label=_("Feedback"),
            entries=selectors.timeline_entries,
            permission="feedback.view_feedbackitem",
        )
    )
    search.register(
        SearchProvider(
            key="feedback.items",
            label=_("Feedback"),
            search=selectors.feedback_search,
            list_url_name="feedback:item_list",
            permission="feedback.view_feedbackitem",
            order=20,
            title=lambda item: f"{item} {item.subject}".strip(),
            summary=lambda item: _line(
                item.customer.name if item.customer else item.sender_name,
                item.get_status_display(),
                item.received_at.date().isoformat(),
            ),
        )
    )
    contact_erased.connect(
        erasure.forget_erased_contact, dispatch_uid="feedback.complaints.forget_erased"
    )
