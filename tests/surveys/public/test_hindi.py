"""The survey pages and emails a Hindi-speaking contact meets keep no English
sentence, and the catalogue translates every string of the customer's side."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation

from core.email import render_email
from surveys.campaigns import links
from surveys.campaigns.services import invitation_withdraw
from tests.factories import ContactFactory, UserFactory
from tests.feedback.public.catalogue import english_left, read_po, visible_text
from tests.feedback.public.test_hindi import PO
from tests.surveys.factories import invite, nps_version
from tests.surveys.public.conftest import answer_url, field, page_one, page_two, questions

pytestmark = pytest.mark.django_db

CUSTOMER_FILES = (
    "surveys/templates/surveys/public/",
    "surveys/responses/forms.py",
    "surveys/responses/services.py",
    "templates/emails/survey_",
)


def assert_hindi(html, where):
    page = html if isinstance(html, str) else html.content.decode()
    assert '<html lang="hi">' in page, where
    left = english_left(visible_text(page), allowed=(settings.ORGANISATION_NAME,))
    assert not left, f"English left in {where}: {left}"


@pytest.fixture
def hindi():
    version = nps_version()
    invitation, token = invite(version=version, language="hi", name="मीरा अय्यर")
    return version, invitation, token


def hindi_page_two(version, **changes):
    return page_two(version, **{field(questions(version)[4]): "बहुत अच्छा।", **changes})


def test_the_answer_pages_are_in_hindi(client, hindi):
    version, _invitation, token = hindi

    assert_hindi(client.get(answer_url(token, score=3)), "the first page")
    assert "हिन्दी प्रश्न 1" in client.get(answer_url(token)).content.decode()
    client.post(answer_url(token), page_one(version, 3))
    second = client.get(answer_url(token, page=2))
    assert_hindi(second, "the second page")
    assert "हमें क्या सुधारना चाहिए?" in second.content.decode()
    assert_hindi(client.post(answer_url(token), hindi_page_two(version, action="save")), "saved")
    assert_hindi(client.post(answer_url(token), hindi_page_two(version)), "a missing answer")
    improve = questions(version)[1]
    sent = client.post(answer_url(token), hindi_page_two(version, **{field(improve): "तेज़ उत्तर"}))
    assert_hindi(client.get(sent["Location"]), "the thanks")
    assert "धन्यवाद!" in client.get(sent["Location"]).content.decode()
    assert_hindi(client.get(answer_url(token)), "already answered")


@pytest.mark.parametrize(
    "bad",
    ["score", "choice", "text", "tampered"],
)
def test_every_refusal_is_in_hindi(client, hindi, bad):
    version, _invitation, token = hindi
    client.post(answer_url(token), page_one(version, 9))
    _nps, _improve, single, _multiple, text = questions(version)
    data = {
        "score": page_one(version, 12),
        "choice": hindi_page_two(version, **{field(single): "x"}),
        "text": page_two(version, **{field(text): "x" * (settings.SURVEY_TEXT_MAX_LENGTH + 1)}),
        "tampered": hindi_page_two(version, other="1"),
    }[bad]

    page = client.post(answer_url(token), data)

    assert "त्रुटि:" in page.content.decode()
    assert_hindi(page, f"the refusal of a bad {bad}")


def test_the_closed_link_pages_are_in_hindi(client, hindi):
    _version, invitation, token = hindi

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert_hindi(client.get(answer_url(token)), "an expired link")
    invitation_withdraw(invitation=invitation, by=UserFactory(), reason="Sent by mistake")
    assert_hindi(client.get(answer_url(token)), "a withdrawn link")
    assert_hindi(client.get(answer_url("nonsense"), HTTP_ACCEPT_LANGUAGE="hi"), "an unknown link")


def test_the_unsubscribe_pages_are_in_hindi(client):
    contact = ContactFactory(language="hi", name="मीरा अय्यर")
    made = links.unsubscribe_tokens_create(contact=contact)

    assert_hindi(client.get(f"/p/unsubscribe/{made['page']}/"), "the confirmation")
    assert_hindi(client.get(f"/p/unsubscribe/one-click/{made['one_click']}/"), "one-click")
    done = client.post(f"/p/unsubscribe/one-click/{made['one_click']}/", {"x": "y"})
    assert_hindi(done, "a one-click post without its body")
    done = client.post(
        f"/p/unsubscribe/one-click/{made['one_click']}/", {"List-Unsubscribe": "One-Click"}
    )
    assert_hindi(done, "the opt-out recorded")
    gone = client.get("/p/unsubscribe/nonsense/", HTTP_ACCEPT_LANGUAGE="hi")
    assert_hindi(gone, "an unknown unsubscribe link")


@pytest.mark.parametrize("template", ["survey_invitation", "survey_reminder"])
@pytest.mark.parametrize("score_links", [True, False])
def test_the_survey_emails_are_in_hindi(template, score_links):
    context = {
        "name": "मीरा अय्यर",
        "title": "हम कैसा कर रहे हैं?",
        "intro": "",
        "first_question": {
            "text": "आप हमारी सिफ़ारिश करेंगे?",
            "low_label": "कम",
            "high_label": "अधिक",
            "scores": [
                {"score": n, "url": f"https://qms.example/p/survey/x/?score={n}"} for n in range(11)
            ],
        }
        if score_links
        else None,
        "answer_url": "https://qms.example/p/survey/x/",
        "unsubscribe_url": "https://qms.example/p/unsubscribe/y/",
        "expires_at": timezone.now() + timedelta(days=30),
        "organisation_name": settings.ORGANISATION_NAME,
    }

    with translation.override("hi"):
        subject, text, html = render_email(template, context)

    assert '<html lang="hi">' in html
    allowed = (settings.ORGANISATION_NAME,)
    for where, part in (("subject", subject), ("text", text), ("html", visible_text(html))):
        left = english_left(part, allowed=allowed)
        assert not left, f"English left in {template}'s {where}: {left}"


def test_the_catalogue_translates_every_string_of_the_customers_side():
    entries = read_po(PO)
    customer = [e for e in entries if any(f.startswith(CUSTOMER_FILES) for f in e.files)]

    missing = [e.msgid for e in customer if not e.translated]

    assert len(customer) > 40
    assert not missing, f"untranslated or fuzzy in {PO.name}: {missing}"
