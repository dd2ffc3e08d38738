"""The communication log: communications and the emails sent, one list, newest first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.email import email_queue
from core.models import OutboundEmail
from core.roles import Role
from feedback.communication.services import communication_void
from tests.factories import ContactFactory, CustomerFactory, UserFactory, WidgetFactory
from tests.feedback.communication.factories import CommunicationFactory, in_force
from tests.queries import Pin, assert_pinned

pytestmark = pytest.mark.django_db

URL = reverse("feedback:communication_list")


def send_to(address, subject="Widget news", when=None, purpose="widget_notice"):
    """Record an email as the email helper does, queued ``when`` (now by default)."""
    email = email_queue(
        to=address,
        purpose=purpose,
        template="widget_notice",
        context={"name": subject, "widget": {"name": subject}, "link": "x"},
    )
    OutboundEmail.objects.filter(pk=email.pk).update(
        subject=subject, created_at=when or timezone.now()
    )
    return OutboundEmail.objects.get(pk=email.pk)


def listed(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return [(line.source, line.summary) for line in response.context["lines"]]


@pytest.fixture
def manager(client):
    user = UserFactory(role=Role.QUALITY_MANAGER)
    client.force_login(user)
    return user


def test_the_log_lists_communications_and_emails_together_newest_first(client, manager):
    now = timezone.now()
    contact = ContactFactory()
    CommunicationFactory(summary="Old call", occurred_at=now - timedelta(days=3))
    send_to(contact.email, "Middle email", when=now - timedelta(days=2))
    CommunicationFactory(summary="New visit", occurred_at=now - timedelta(days=1), channel="visit")

    assert listed(client) == [
        ("entry", "New visit"),
        ("email", "Middle email"),
        ("entry", "Old call"),
    ]


def test_an_email_belongs_to_the_customer_of_the_contact_it_went_to_whatever_the_case(
    client, manager
):
    contact = ContactFactory(email="buyer@acme.example")
    send_to("Buyer@ACME.example", "To the buyer")
    send_to("someone@elsewhere.example", "To someone else")

    lines = client.get(URL, {"customer": contact.customer.pk}).context["lines"]

    assert [(line.summary, line.customer) for line in lines] == [("To the buyer", contact.customer)]
    assert listed(client, contact=contact.pk) == [("email", "To the buyer")]


def test_each_filter_narrows_both_sides_of_the_log(client, manager):
    now = timezone.now()
    acme = CustomerFactory(name="Acme")
    buyer = ContactFactory(customer=acme, email="buyer@acme.example")
    row = in_force(audience="customer", customer=acme)
    CommunicationFactory(
        customer=acme,
        contact=buyer,
        summary="Planned review",
        channel="meeting",
        plan_row=row,
        occurred_at=now - timedelta(days=40),
    )
    CommunicationFactory(
        customer=acme,
        contact=buyer,
        summary="They rang about invoices",
        direction="in",
        occurred_at=now - timedelta(days=5),
    )
    CommunicationFactory(summary="Someone else's call", occurred_at=now - timedelta(days=4))
    send_to(buyer.email, "Your invoice", when=now - timedelta(days=3), purpose="invoice")
    send_to(buyer.email, "Survey invitation", when=now - timedelta(days=2), purpose="survey")

    assert listed(client, customer=acme.pk) == [
        ("email", "Survey invitation"),
        ("email", "Your invoice"),
        ("entry", "They rang about invoices"),
        ("entry", "Planned review"),
    ]
    assert listed(client, channel="email") == [
        ("email", "Survey invitation"),
        ("email", "Your invoice"),
    ]
    assert listed(client, channel="meeting") == [("entry", "Planned review")]
    assert listed(client, direction="in") == [("entry", "They rang about invoices")]
    assert listed(client, purpose="invoice") == [("email", "Your invoice")]
    assert listed(client, plan_row=row.pk) == [("entry", "Planned review")]
    assert listed(client, q="invoice") == [
        ("email", "Your invoice"),
        ("entry", "They rang about invoices"),
    ]
    assert listed(client, source="entry", customer=acme.pk, q="invoice") == [
        ("entry", "They rang about invoices")
    ]
    day = timezone.localdate()
    assert listed(
        client,
        date_from=(day - timedelta(days=5)).isoformat(),
        date_to=(day - timedelta(days=3)).isoformat(),
    ) == [
        ("email", "Your invoice"),
        ("entry", "Someone else's call"),
        ("entry", "They rang about invoices"),
    ]


def test_a_range_that_ends_before_it_starts_is_refused_and_lists_nothing(client, manager):
    CommunicationFactory()

    response = client.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-01"})

    assert response.context["lines"] == []
    assert "before it starts" in response.content.decode()


def test_voided_communications_are_listed_only_when_asked(client, manager):
    kept = CommunicationFactory(summary="Kept")
    voided = CommunicationFactory(summary="Logged by mistake")
    communication_void(communication=voided, by=manager, reason="Wrong customer")

    assert listed(client) == [("entry", "Kept")]
    assert {summary for _, summary in listed(client, voided="on")} == {
        kept.summary,
        "Logged by mistake",
    }


def test_the_union_pages_in_the_database_without_repeating_or_skipping_a_line(client, manager):
    contact = ContactFactory()
    start = timezone.now() - timedelta(days=60)
    for index in range(30):
        CommunicationFactory(summary=f"Call {index}", occurred_at=start + timedelta(hours=index))
        send_to(contact.email, f"Email {index}", when=start + timedelta(hours=index))

    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    third = client.get(URL, {"page": 3})

    assert first.context["page"].paginator.count == 60
    summaries = [
        line.summary for response in (first, second, third) for line in response.context["lines"]
    ]
    assert len(summaries) == 60
    assert set(summaries) == {f"Call {i}" for i in range(30)} | {f"Email {i}" for i in range(30)}
    # Ties (a call and an email at the same moment) are broken the same way every time.
    assert summaries[:2] == ["Email 29", "Call 29"]


def test_an_htmx_request_from_the_filters_gets_the_table_alone(client, manager):
    CommunicationFactory(summary="Visible call")

    response = client.get(URL, headers={"HX-Request": "true", "HX-Target": "list-results"})

    body = response.content.decode()
    assert "Visible call" in body
    assert "<html" not in body


def test_each_line_links_to_what_caused_it(client, manager):
    widget = WidgetFactory(name="Pump W-9")
    contact = ContactFactory()
    email_queue(
        to=contact.email,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "x", "widget": widget, "link": "x"},
        related=widget,
    )

    line = client.get(URL).context["lines"][0]

    assert line.caused_by == "Pump W-9"
    assert line.caused_by_url == widget.get_absolute_url()
    assert f'href="{widget.get_absolute_url()}"' in client.get(URL).content.decode()


def test_staff_see_the_lines_of_emails_they_read_but_not_others(client):
    staff = UserFactory(role=Role.STAFF)
    own = ContactFactory(customer=CustomerFactory(account_owner=staff))
    send_to(own.email, "To their customer")
    send_to(ContactFactory().email, "To another's customer")
    send_to(UserFactory().email, "To a colleague")
    client.force_login(staff)

    assert listed(client) == [("email", "To their customer")]


def _build_log(count, user):
    contact = ContactFactory()
    widget = WidgetFactory()
    for _ in range(count):
        CommunicationFactory()
        email_queue(
            to=contact.email,
            purpose="widget_notice",
            template="widget_notice",
            context={"name": "x", "widget": widget, "link": "x"},
            related=widget,
        )


def _build_internal_log(count, user):
    for _ in range(count):
        CommunicationFactory(customer=None, contact=None, audience="staff")


@pytest.mark.parametrize(
    "pin",
    [
        # The session, the user, their permissions (2), the email purposes, the count,
        # the page, its communications, its emails, the contacts those went to, what
        # caused them (one kind here), and the plan rows the filter offers.
        Pin("feedback:communication_list", _build_log, 12),
        # No communication is an email: one query fewer.
        Pin("feedback:communication_list", _build_log, 11, params={"channel": "email"}),
        # No emails: neither them, their contacts nor what caused them.
        Pin("feedback:communication_list", _build_internal_log, 9),
        # The table alone: the filters (and their plan rows) are not drawn.
        Pin(
            "feedback:communication_list",
            _build_log,
            11,
            headers={"HX-Request": "true", "HX-Target": "list-results"},
        ),
    ],
    ids=str,
)
def test_the_log_makes_as_many_queries_for_30_lines_of_each_as_for_3(
    client, django_assert_num_queries, pin
):
    assert_pinned(client, UserFactory(role=Role.QUALITY_MANAGER), django_assert_num_queries, pin)


def test_emails_read_as_words_purpose_state_and_who_queued_them(client, manager):
    acknowledged = send_to(ContactFactory().email, "Thanks", purpose="feedback acknowledgement")
    unknown = send_to(ContactFactory().email, "Odd", purpose="widget_notice")
    OutboundEmail.objects.filter(pk=acknowledged.pk).update(
        state=OutboundEmail.State.BOUNCED, created_actor="command load_demo", language="hi"
    )

    response = client.get(URL, {"source": "email"})
    lines = {line.summary: line for line in response.context["lines"]}
    body = response.content.decode()
    page = client.get(reverse("feedback:communication_email", args=[acknowledged.pk]))

    assert lines["Thanks"].purpose == "Feedback acknowledgement"
    assert lines["Odd"].purpose == "Widget notice"
    assert lines["Thanks"].direction == "Outgoing email: Bounced"
    assert lines["Odd"].direction == "Outgoing email: Queued"
    assert "Outgoing: we reached them" not in body
    assert lines["Thanks"].who == "the system (demo data)"
    assert '<option value="feedback acknowledgement">Feedback acknowledgement</option>' in body
    assert unknown.purpose == "widget_notice"
    assert "Hindi" in page.content.decode()
    assert "the system (demo data)" in page.content.decode()
    assert "command load_demo" not in page.content.decode()
