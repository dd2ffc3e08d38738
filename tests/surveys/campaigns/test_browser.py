"""The staff's survey pages in a browser: axe-clean, valid HTML, no CSP violation; a
quality manager sends a survey from a contact's page and reads an answered one."""

import pytest

from core.roles import Role
from surveys.campaigns.models import Invitation
from tests.factories import ContactFactory
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import invite, nps_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quality_manager_sends_a_survey_and_reads_the_answers(page, visit, login_as):
    version, other = nps_version(), nps_version()
    contact = ContactFactory(name="Asha Verma", language="hi")
    answered, _ = invite(version=other, contact=contact)
    response = respond(
        answered, score=4, text="The courier came late twice.", choices=["quality", "portal"]
    )
    opted_out = ContactFactory(name="Ravi Kumar", opted_out=True)
    login_as(Role.QUALITY_MANAGER)

    visit(contact.get_absolute_url(), name="contact")
    page.get_by_role("link", name="Send a survey").click()
    visit(name="send")
    page.get_by_label(str(version)).check()
    page.get_by_role("button", name="Send the survey").click()
    visit(name="invitation")
    assert page.get_by_text("is queued for sending").is_visible()
    assert Invitation.objects.filter(contact=contact, version=version).exists()
    page.get_by_role("link", name="See the email in the communication log.").click()
    visit(name="email")

    visit(contact.get_absolute_url(), name="contact-after")
    visit(answered.get_absolute_url(), name="answered-invitation")
    visit(response.get_absolute_url(), name="response")
    assert page.get_by_text("The courier came late twice.").first.is_visible()
    visit("/surveys/invitations/", name="invitations")
    visit("/surveys/responses/?q=courier", name="responses")
    visit(f"/surveys/contacts/{opted_out.pk}/send/", name="send-refused")
    assert page.get_by_role("button", name="Send the survey").is_disabled()
    visit(f"{answered.get_absolute_url()}withdraw/", name="withdraw")
