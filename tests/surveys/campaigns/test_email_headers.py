"""A survey email's unsubscribe headers: sent with it, shown on its page in the log,
and their one-time links removed from the log with the bodies' once it is sent."""

import pytest
from django.core import mail
from django.urls import reverse

from core.email import REDACTED
from core.models import OutboundEmail
from core.roles import Role
from tests.factories import UserFactory
from tests.surveys.factories import invite

pytestmark = pytest.mark.django_db


def email_page(email):
    return reverse("feedback:communication_email", args=[email.pk])


def test_the_headers_go_with_the_email_and_show_on_its_page(client, settings, send_queued_emails):
    settings.COMMUNICATION_LOG_KEEP_LINKS = True
    invite()
    email = OutboundEmail.objects.get(purpose="survey invitation")
    client.force_login(UserFactory(role=Role.QUALITY_MANAGER))

    page = client.get(email_page(email)).content.decode()

    assert "List-Unsubscribe-Post" in page
    assert "/p/unsubscribe/one-click/" in page
    assert send_queued_emails()["sent"] == 1
    sent = mail.outbox[0]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.extra_headers["List-Unsubscribe"] == email.headers["List-Unsubscribe"]


def test_without_kept_links_the_sent_headers_lose_their_link_in_the_log(
    settings, send_queued_emails
):
    settings.COMMUNICATION_LOG_KEEP_LINKS = False
    invite()
    send_queued_emails()

    email = OutboundEmail.objects.get(purpose="survey invitation")
    assert email.headers["List-Unsubscribe"] == f"<{REDACTED}>"
    assert "/p/" not in email.body_text
    assert "/p/" not in email.body_html
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].startswith("<http")
