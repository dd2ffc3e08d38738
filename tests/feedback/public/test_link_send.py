import re

import pytest
from django.utils import timezone

from core.email import REDACTED
from core.models import OutboundEmail
from core.roles import Role
from feedback.models import FeedbackLink
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_url(contact):
    return f"/feedback/contacts/{contact.pk}/feedback-link/"


def test_the_contacts_page_offers_the_action_to_those_who_may_send_links(client, quality_manager):
    contact = ContactFactory()
    client.force_login(quality_manager)

    page = client.get(contact.get_absolute_url()).content.decode()

    assert f'href="{page_url(contact)}"' in page
    assert "Email a feedback form link" in page


def test_an_auditor_is_not_offered_the_action_and_cannot_send(client):
    contact = ContactFactory()
    client.force_login(UserFactory(role=Role.AUDITOR))

    assert page_url(contact) not in client.get(contact.get_absolute_url()).content.decode()
    assert client.post(page_url(contact)).status_code == 403
    assert not OutboundEmail.objects.exists()


def test_the_page_asks_before_sending_and_a_get_sends_nothing(client, quality_manager):
    contact = ContactFactory(language="hi")
    client.force_login(quality_manager)

    page = client.get(page_url(contact)).content.decode()

    assert contact.email in page
    assert "Email the link" in page
    assert not FeedbackLink.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_sending_emails_the_contact_a_form_link_in_their_language(
    client, quality_manager, settings
):
    settings.COMMUNICATION_LOG_KEEP_LINKS = True
    contact = ContactFactory(language="hi", name="Meera Iyer")
    client.force_login(quality_manager)

    response = client.post(page_url(contact))

    assert response.status_code == 302
    assert response["Location"] == contact.get_absolute_url()
    link = FeedbackLink.objects.get()
    assert (link.purpose, link.contact, link.created_by) == ("form", contact, quality_manager)
    email = OutboundEmail.objects.get()
    assert (email.recipient, email.language, email.purpose) == (
        contact.email,
        "hi",
        "feedback form link",
    )
    token = re.search(r"/p/feedback/to/([\w-]+)/", email.body_text).group(1)
    assert "Hello Meera Iyer" not in client.get(f"/p/feedback/to/{token}/").content.decode()
    assert "नमस्ते Meera Iyer" in client.get(f"/p/feedback/to/{token}/").content.decode()


def test_without_keep_links_the_log_loses_the_link_once_sent(
    client, quality_manager, settings, send_queued_emails
):
    settings.COMMUNICATION_LOG_KEEP_LINKS = False
    contact = ContactFactory()
    client.force_login(quality_manager)
    client.post(page_url(contact))

    send_queued_emails()

    email = OutboundEmail.objects.get()
    assert "/p/feedback/to/" not in email.body_text + email.body_html
    assert REDACTED in email.body_text


def test_an_erased_contact_is_not_sent_a_link(client, quality_manager):
    contact = ContactFactory(erased_at=timezone.now())
    client.force_login(quality_manager)

    response = client.post(page_url(contact))

    assert response.status_code == 400
    assert "personal data was erased" in response.content.decode()
    assert not FeedbackLink.objects.exists()
    assert not OutboundEmail.objects.exists()
