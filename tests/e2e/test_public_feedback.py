"""A customer sends feedback from a phone, in Hindi and in English, and follows the
status link from the acknowledgement email."""

import re

import pytest

from core.models import OutboundEmail
from feedback.models import FeedbackItem
from tests.factories import ProductServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize(
    "case",
    [
        ("hi", "शिकायत: कुछ गलत हुआ", "मेरी प्रतिक्रिया भेजें", "आपकी संदर्भ संख्या है"),
        ("en", "A complaint: something went wrong", "Send my feedback", "Your reference"),
    ],
    ids=["hindi", "english"],
)
def test_a_complaint_sent_from_a_phone_is_confirmed_and_its_status_link_opens(
    phone, visit, tmp_path, case
):
    language, kind, send, thanks = case
    ProductServiceFactory(name="Pump servicing")
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)

    visit(f"/p/feedback/?lang={language}", name=f"form-{language}")
    assert phone.evaluate("document.documentElement.lang") == language
    assert fits_the_screen(phone)
    phone.get_by_label(kind).check()
    phone.locator("#id_description").fill("The pump arrived with a cracked housing.")
    phone.locator("#id_product").select_option(label="Pump servicing")
    phone.locator("#id_name").fill("Asha Verma")
    phone.locator("#id_email").fill("asha@example.in")
    phone.locator("#id_attachments").set_input_files(str(photo))
    phone.get_by_role("button", name=send).click()
    phone.wait_for_url("**/p/feedback/received/**")

    visit(name=f"confirmation-{language}")
    item = FeedbackItem.objects.get()
    assert thanks in phone.locator("main").inner_text()
    assert item.reference in phone.locator("main").inner_text()
    assert item.attachments.count() == 1
    assert fits_the_screen(phone)

    email = OutboundEmail.objects.get(recipient="asha@example.in")
    assert email.language == language
    status_url = re.search(r"https?://\S+/p/feedback/status/\S+/", email.body_text).group(0)
    path = status_url.split("://", 1)[1].split("/", 1)[1]
    visit(f"/{path}", name=f"status-{language}")
    assert phone.evaluate("document.documentElement.lang") == language
    assert item.reference in phone.locator("h1").inner_text()
    assert fits_the_screen(phone)


def test_a_form_with_errors_and_a_dead_link_pass_the_checks_on_a_phone(phone, visit):
    visit("/p/feedback/?lang=hi", name="form")
    phone.locator("#id_email").fill("not an address")
    phone.get_by_role("button", name="मेरी प्रतिक्रिया भेजें").click()
    phone.wait_for_load_state("load")

    visit(name="form-with-errors")
    assert phone.locator("#error-summary").is_visible()
    assert phone.locator("#id_email").get_attribute("aria-invalid") == "true"
    visit("/p/feedback/to/not-a-token/?lang=hi", name="dead-link", status=404)
    visit("/p/feedback/to/not-a-token/?lang=en", name="dead-link-en", status=404)
