"""What the log adds to the pages of lower apps: the menu, the customer's timeline and
the header search."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.email import email_queue
from core.roles import Role
from feedback.communication import selectors
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.feedback.communication.factories import CommunicationFactory, in_force

pytestmark = pytest.mark.django_db


def test_the_menu_offers_communication_to_every_role(client):
    for role in Role:
        client.force_login(UserFactory(role=role))
        body = client.get(reverse("home")).content.decode()
        assert f'href="{reverse("feedback:communication_list")}"' in body, role


def test_a_customers_timeline_shows_its_communications_and_the_emails_to_its_contacts(client):
    acme = CustomerFactory(name="Acme")
    buyer = ContactFactory(customer=acme, email="buyer@acme.example")
    CommunicationFactory(
        customer=acme,
        contact=buyer,
        summary="Visit to the plant",
        channel="visit",
        occurred_at=timezone.now() - timedelta(days=2),
    )
    CommunicationFactory(summary="Another customer's call")
    email_queue(
        to="BUYER@acme.example",
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "x", "widget": {"name": "Pump"}, "link": "x"},
    )
    client.force_login(UserFactory(role=Role.STAFF))

    response = client.get(acme.get_absolute_url(), {"tab": "timeline"})

    titles = [
        entry.title
        for entry in response.context["timeline"]
        if entry.kind in ("communication", "email")
    ]
    assert titles == ["Email: Widget Pump needs a look", "Visit: Visit to the plant"]
    body = response.content.decode()
    assert "Another customer" not in body
    assert "Visit to the plant" in body


def test_an_address_two_customers_share_goes_on_one_timeline_as_on_the_log():
    first = ContactFactory(email="shared@example.org")
    second = ContactFactory(email="shared@example.org")
    email_queue(
        to="shared@example.org",
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "x", "widget": {"name": "Pump"}, "link": "x"},
    )

    assert len(selectors.timeline_emails(first.customer)) == 1
    assert selectors.timeline_emails(second.customer) == []


def test_the_header_search_finds_communications_by_summary_and_show_all_lists_the_same(
    client,
):
    CommunicationFactory(summary="Calibration certificate resent")
    CommunicationFactory(summary="Something else", details="The calibration was late.")
    CommunicationFactory(summary="Unrelated")
    email_queue(
        to=ContactFactory().email,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "calibration", "widget": {"name": "calibration"}, "link": "x"},
    )
    client.force_login(UserFactory(role=Role.AUDITOR))

    response = client.get(reverse("search"), {"q": "calibration"})

    group = next(g for g in response.context["found"] if g.key == "feedback.communication")
    assert group.total == 2
    assert {hit.title for hit in group.hits} == {
        "Calibration certificate resent",
        "Something else",
    }
    listed = client.get(group.list_url)
    assert listed.context["page"].paginator.count == 2


@pytest.mark.parametrize(
    ("role", "name", "method", "allowed"),
    [
        (Role.TOP_MANAGEMENT, "feedback:plan_approve", "get", True),
        (Role.TOP_MANAGEMENT, "feedback:communication_create", "get", True),
        (Role.STAFF, "feedback:plan_approve", "get", False),
        (Role.STAFF, "feedback:communication_create", "get", True),
        (Role.AUDITOR, "feedback:communication_create", "get", False),
        (Role.AUDITOR, "feedback:plan_row_create", "get", False),
        (Role.TOP_MANAGEMENT, "feedback:plan_row_create", "get", False),
    ],
)
def test_each_page_is_open_to_the_roles_core_roles_grants(client, role, name, method, allowed):
    client.force_login(UserFactory(role=role))
    response = getattr(client, method)(reverse(name))
    assert (response.status_code == 200) is allowed


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR])
def test_only_quality_managers_reschedule(client, role):
    row = in_force()
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("feedback:plan_row_reschedule", args=[row.pk])).status_code == 403
