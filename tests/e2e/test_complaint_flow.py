"""Issue 14's walk end to end: a customer sends a complaint from a phone, a quality
manager finds its acknowledgement in the communication log, follows the link as the
customer would, and takes the complaint through assessment, response, the customer's
reply and closing; one sent without an address is acknowledged by hand. Every page
passes axe and the Nu HTML checker (the ``visit`` helper)."""

import re

import pytest

from core.models import OutboundEmail
from core.roles import Role
from feedback.models import FeedbackItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
Status = FeedbackItem.Status


def send_from_phone(page, visit, *, description, email=""):
    page.set_viewport_size(PHONE)
    visit("/p/feedback/?lang=en", name="form")
    page.get_by_label("A complaint: something went wrong").check()
    page.locator("#id_description").fill(description)
    page.locator("#id_name").fill("Asha Verma")
    if email:
        page.locator("#id_email").fill(email)
    page.get_by_role("button", name="Send my feedback").click()
    page.wait_for_url("**/p/feedback/received/**")
    visit(name="received")
    return FeedbackItem.objects.get(description=description)


def take_step(page, visit, item, link, *, submit, fill=None):
    visit(f"/feedback/{item.pk}/", name=f"before-{submit}")
    page.get_by_role("link", name=link, exact=True).first.click()
    visit(name=f"step-{submit}")
    if fill:
        fill()
    page.get_by_role("button", name=submit).click()
    page.wait_for_url(f"**/feedback/{item.pk}/")
    visit(name=f"after-{submit}")
    item.refresh_from_db()
    return item


@pytest.fixture
def site_url(settings, live_server):
    """As on the embedded default: the log keeps the links a newcomer follows, and they
    point at the server that sent them; return its address."""
    settings.COMMUNICATION_LOG_KEEP_LINKS = True
    settings.SITE_URL = live_server.url
    return live_server.url


def test_a_complaint_from_a_phone_is_handled_to_its_close(
    page, visit, login_as, send_queued_emails, site_url
):
    emailed = send_from_phone(
        page, visit, description="The pump arrived with a cracked housing.", email="asha@example.in"
    )
    by_phone_only = send_from_phone(page, visit, description="Nobody answered my call twice.")
    assert emailed.status == Status.ACKNOWLEDGED
    assert by_phone_only.status == Status.RECEIVED
    send_queued_emails()

    page.set_viewport_size(DESKTOP)
    login_as(Role.QUALITY_MANAGER)

    # The acknowledgement is in the log; its page shows it as sent, and its link opens.
    acknowledgement = OutboundEmail.objects.get(purpose="feedback acknowledgement")
    visit("/feedback/communication/", name="log")
    page.locator(f'a[href="/feedback/communication/email/{acknowledgement.pk}/"]').first.click()
    visit(name="email")
    assert emailed.reference in page.locator("main").inner_text()
    status_link = page.locator('main a[href*="/p/feedback/status/"]').first
    href = status_link.get_attribute("href")
    assert re.fullmatch(rf"{site_url}/p/feedback/status/[\w-]{{40,}}/", href)
    visit(href, name="status-acknowledged")
    assert emailed.reference in page.locator("main").inner_text()

    # The quality manager takes it through the workflow.
    def assess():
        page.get_by_label("Severity").select_option("high")
        page.get_by_label("Remedy the customer seeks").fill("A replacement housing.")
        page.get_by_label("Is the complaint justified?").select_option("true")

    item = take_step(page, visit, emailed, "Assess", submit="Save the assessment", fill=assess)
    assert item.status == Status.ASSESSED
    assert item.severity == "high"

    def respond():
        page.get_by_label("The decision communicated to the customer").fill(
            "We will replace the housing free of charge this week."
        )

    item = take_step(
        page,
        visit,
        item,
        "Respond with the decision",
        submit="Record and send the decision",
        fill=respond,
    )
    assert item.status == Status.RESPONDED
    assert OutboundEmail.objects.filter(
        purpose__icontains="decision", recipient="asha@example.in"
    ).exists()

    item = take_step(
        page,
        visit,
        item,
        "Record the customer's reply",
        submit="Record the reply",
        fill=lambda: page.get_by_label("Yes, accepted").check(),
    )
    assert item.acceptance == FeedbackItem.Acceptance.ACCEPTED

    item = take_step(page, visit, item, "Close", submit="Close")
    assert item.status == Status.CLOSED
    assert item.closed_at is not None

    # The customer's status page now shows the decision.
    visit(href, name="status-closed")
    assert "replace the housing" in page.locator("main").inner_text()

    # The one sent without an address is acknowledged by hand.
    item = take_step(
        page,
        visit,
        by_phone_only,
        "Record the acknowledgement",
        submit="Record",
        fill=lambda: page.get_by_label("How was the sender acknowledged?").fill(
            "Called back on the number shown."
        ),
    )
    assert item.status == Status.ACKNOWLEDGED
    assert item.acknowledged_at is not None
