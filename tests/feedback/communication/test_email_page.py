"""A logged email's page: who, why, state and dates, the text with its links, and the
HTML as sent, sandboxed; one-time links kept or redacted as the setting says."""

import re

import pytest
from django.urls import reverse

from core.email import REDACTED, email_queue
from core.models import OutboundEmail
from core.roles import Role
from feedback.complaints.services import feedback_receive
from feedback.models import FeedbackItem
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
STATUS_LINK = re.compile(r"http://[^\s\"<]+/p/feedback/status/[^\s\"<]+/")


def page(email):
    return reverse("feedback:communication_email", args=[email.pk])


def html(email):
    return reverse("feedback:communication_email_html", args=[email.pk])


def acknowledged_complaint(contact, django_capture_on_commit_callbacks, send_queued_emails):
    """Receive a complaint from the contact; the worker sends its acknowledgement."""
    with django_capture_on_commit_callbacks(execute=False):
        feedback_receive(
            kind=FeedbackItem.Kind.COMPLAINT,
            channel=FeedbackItem.Channel.EMAIL,
            description="The pump leaks.",
            contact=contact,
        )
    send_queued_emails()
    return OutboundEmail.objects.get(recipient=contact.email)


@pytest.fixture
def manager(client):
    user = UserFactory(role=Role.QUALITY_MANAGER)
    client.force_login(user)
    return user


def test_with_links_kept_a_signed_in_user_follows_the_one_time_link_from_the_log(
    client, manager, settings, django_capture_on_commit_callbacks, send_queued_emails
):
    settings.COMMUNICATION_LOG_KEEP_LINKS = True
    contact = ContactFactory()
    email = acknowledged_complaint(contact, django_capture_on_commit_callbacks, send_queued_emails)
    assert email.state == OutboundEmail.State.SENT

    body = client.get(page(email)).content.decode()

    link = STATUS_LINK.search(email.body_text).group(0)
    assert f'<a href="{link}"' in body
    assert REDACTED not in body
    assert link in client.get(html(email)).content.decode()


def test_with_links_off_the_sent_email_is_logged_with_its_one_time_link_redacted(
    client, manager, settings, django_capture_on_commit_callbacks, send_queued_emails
):
    settings.COMMUNICATION_LOG_KEEP_LINKS = False
    contact = ContactFactory()
    email = acknowledged_complaint(contact, django_capture_on_commit_callbacks, send_queued_emails)

    body = client.get(page(email)).content.decode()

    assert REDACTED in email.body_text
    assert not STATUS_LINK.search(email.body_text + email.body_html)
    assert "/p/feedback/status/" not in body
    assert REDACTED in body
    assert "/p/feedback/status/" not in client.get(html(email)).content.decode()


def test_the_page_says_who_why_state_and_dates_and_links_the_contact_and_customer(
    client, manager, django_capture_on_commit_callbacks, send_queued_emails
):
    contact = ContactFactory(name="Asha Rao")
    email = acknowledged_complaint(contact, django_capture_on_commit_callbacks, send_queued_emails)

    response = client.get(page(email))

    body = response.content.decode()
    assert email.recipient in body
    assert "Feedback acknowledgement" in body
    assert "Sent" in body
    assert contact.get_absolute_url() in body
    assert contact.customer.get_absolute_url() in body
    assert "no-store" in response["Cache-Control"]


def test_a_hostile_value_in_an_email_is_escaped_on_the_page_and_sandboxed_as_sent(client, manager):
    contact = ContactFactory(email="victim@example.org")
    email = email_queue(
        to=contact.email,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": HOSTILE, "widget": {"name": HOSTILE}, "link": "javascript:alert(2)"},
    )

    body = client.get(page(email)).content.decode()
    sent = client.get(html(email))

    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert 'href="javascript:' not in body
    # The HTML body is served as the template rendered it (escaped there too), in a
    # sandbox that runs no script and loads nothing, framed by this site only.
    assert "<script>alert" not in sent.content.decode()
    policy = sent["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-popups allow-popups-to-escape-sandbox;")
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "script-src" not in policy
    assert sent["X-Frame-Options"] == "SAMEORIGIN"
    assert sent["Content-Type"] == "text/html; charset=utf-8"
    assert f'src="{html(email)}"' in body
    # No script, no form, no same origin: links alone leave the frame, in a new tab.
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in body
    assert '<base target="_blank">' in sent.content.decode()


def notice(to, **kwargs):
    return email_queue(
        to=to,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "Asha", "widget": {"name": "Pump"}, "link": "x"},
        **kwargs,
    )


def reads(client, email):
    """Return whether the signed-in person gets the email's page, its HTML and its line."""
    listed = client.get(reverse("feedback:communication_list"), {"source": "email"})
    return (
        client.get(page(email)).status_code == 200
        and "Text, as sent" in client.get(page(email)).content.decode()
        and client.get(html(email)).status_code == 200
        and email in [line.record for line in listed.context["lines"]]
    )


def test_staff_read_emails_to_their_own_customers_and_others_get_404(client):
    owner = UserFactory(role=Role.STAFF)
    other = UserFactory(role=Role.STAFF)
    contact = ContactFactory(customer=CustomerFactory(account_owner=owner))
    email = notice(contact.email)

    client.force_login(owner)
    assert reads(client, email)

    client.force_login(other)
    assert client.get(page(email)).status_code == 404
    assert client.get(html(email)).status_code == 404
    assert not reads(client, email)


def test_staff_read_an_email_sent_to_their_own_address(client):
    staff = UserFactory(role=Role.STAFF, email="Sam.Staff@example.com")
    email = notice("sam.staff@example.com")

    client.force_login(staff)
    assert reads(client, email)
    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(page(email)).status_code == 404


def test_staff_read_an_email_they_queued(client):
    staff = UserFactory(role=Role.STAFF)
    email = notice("someone@elsewhere.example", by=staff)

    client.force_login(staff)
    assert reads(client, email)


def test_staff_read_the_acknowledgement_of_anonymous_feedback_they_may_view(
    client, django_capture_on_commit_callbacks, send_queued_emails
):
    with django_capture_on_commit_callbacks(execute=False):
        feedback_receive(
            kind=FeedbackItem.Kind.COMPLAINT,
            channel=FeedbackItem.Channel.EMAIL,
            description="The pump leaks.",
            sender_email="anon@example.net",
        )
    send_queued_emails()
    email = OutboundEmail.objects.get(recipient="anon@example.net")

    client.force_login(UserFactory(role=Role.STAFF))
    assert reads(client, email)


def test_an_email_about_a_record_read_only_by_others_stays_hidden(client):
    # Staff do not read user accounts: an email about one is not theirs to read.
    email = notice("someone@elsewhere.example", related=UserFactory())

    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(page(email)).status_code == 404
    assert client.get(html(email)).status_code == 404
    client.force_login(UserFactory(role=Role.AUDITOR))
    assert reads(client, email)


def test_internal_emails_are_not_found_for_staff_and_read_by_auditors(client):
    colleague = UserFactory()
    email = email_queue(
        to=colleague.email,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "x", "widget": {"name": "Pump"}, "link": "x"},
    )

    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(page(email)).status_code == 404
    assert client.get(html(email)).status_code == 404

    client.force_login(UserFactory(role=Role.AUDITOR))
    assert "Text, as sent" in client.get(page(email)).content.decode()
    assert client.get(html(email)).status_code == 200


def test_an_email_whose_bodies_were_purged_says_so(client, manager):
    contact = ContactFactory()
    email = email_queue(
        to=contact.email,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "x", "widget": {"name": "Pump"}, "link": "x"},
    )
    OutboundEmail.objects.filter(pk=email.pk).update(body_text="", body_html="")

    assert "no longer kept" in client.get(page(email)).content.decode()
    assert client.get(html(email)).status_code == 404
