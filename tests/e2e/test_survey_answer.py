"""A customer opens a survey email on a phone, picks a score in it, and answers the
rest with the keyboard alone, in English and in Hindi."""

import pytest

from core.models import OutboundEmail
from surveys.campaigns import links
from surveys.responses.models import Answer, Response
from tests.factories import ContactFactory
from tests.surveys.factories import invite, nps_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CASES = {
    "en": {"next": "Next", "send": "Send my answers", "thanks": "Thank you: your answers"},
    "hi": {"next": "आगे", "send": "मेरे उत्तर भेजें", "thanks": "धन्यवाद: आपके उत्तर"},
}


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def focused(page):
    """Return the focused element's tag, type, name and value."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return [e.tagName, e.type || '', e.name || '', e.value || '']; }"
    )


def tab_to(page, test, limit=40):
    """Press Tab until the focused element passes ``test``; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if test(focused(page)):
            return
    raise AssertionError(f"Tab never reached the element; last was {focused(page)}")


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_customer_answers_from_the_email_on_a_phone_with_the_keyboard_only(
    page, visit, live_server, settings, language
):
    settings.SITE_URL = live_server.url
    version = nps_version()
    nps, _improve, single, multiple, text = version.ordered_questions()
    invite(version=version, language=language)
    email = OutboundEmail.objects.get(purpose="survey invitation")
    words = CASES[language]
    page.set_viewport_size(PHONE)

    # The email as the customer's mail app shows it; the score link is the one click.
    page.set_content(email.body_html)
    page.get_by_role("link", name="9", exact=True).click()
    page.wait_for_url("**/p/survey/**")
    visit(name=f"1-first-page-{language}")
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator(f"#id_q{nps.pk}_9").is_checked()
    assert fits_the_screen(page)
    assert not Response.objects.exists()  # opening the link stored nothing

    # The keyboard from here on: into the scale (the chosen 9), down to 8, on.
    tab_to(page, lambda f: f[2] == f"q{nps.pk}")
    assert focused(page)[3] == "9"
    page.keyboard.press("ArrowLeft")
    tab_to(page, lambda f: f[0] == "BUTTON" and f[3] == "next")
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2**")
    visit(name=f"2-second-page-{language}")
    assert fits_the_screen(page)

    tab_to(page, lambda f: f[2] == f"q{single.pk}")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f[2] == f"q{multiple.pk}")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f[2] == f"q{text.pk}")
    page.keyboard.type("Quick, friendly service." if language == "en" else "तेज़ और अच्छी सेवा।")
    tab_to(page, lambda f: f[0] == "BUTTON" and f[3] == "send")
    assert page.evaluate("document.activeElement.textContent").strip() == words["send"]
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanks/**")
    visit(name=f"3-thanks-{language}")
    assert words["thanks"] in page.locator("h1").inner_text()
    assert fits_the_screen(page)

    response = Response.objects.get()
    assert response.is_complete
    stored = {a.question_id: (a.score, a.choices, a.text) for a in Answer.objects.all()}
    assert stored[nps.pk][0] == 8
    assert stored[single.pk][1] == ["price"]
    assert stored[multiple.pk][1] == ["portal"]
    assert stored[text.pk][2]


def test_a_refused_page_focuses_its_error_summary_and_passes_the_checks(
    page, visit, live_server, settings
):
    settings.SITE_URL = live_server.url
    version = nps_version()
    _invitation, token = invite(version=version, language="hi")
    page.set_viewport_size(PHONE)
    visit(f"/p/survey/{token}/", name="first-page")

    tab_to(page, lambda f: f[0] == "BUTTON" and f[3] == "next")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    visit(name="refused")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert not Response.objects.exists()


def test_the_unsubscribe_and_closed_link_pages_pass_the_checks_on_a_phone(page, visit):
    contact = ContactFactory(language="hi")
    made = links.unsubscribe_tokens_create(contact=contact)
    page.set_viewport_size(PHONE)

    visit(f"/p/unsubscribe/{made['page']}/", name="unsubscribe")
    assert fits_the_screen(page)
    tab_to(page, lambda f: f[0] == "BUTTON")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    visit(name="unsubscribed")
    contact.refresh_from_db()
    assert contact.opted_out
    visit(f"/p/unsubscribe/one-click/{made['one_click']}/", name="one-click-after")
    visit("/p/survey/not-a-token/", name="unknown-link", status=404)
    visit("/p/unsubscribe/not-a-token/", name="unknown-unsubscribe", status=404)
