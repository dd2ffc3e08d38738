"""Every public page and every email a customer receives, rendered in Hindi, keeps no
English sentence; the catalogue translates every string they use, and its compiled
.mo says what the .po says."""

import gettext
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from core.email import render_email
from feedback.complaints.links import link_create
from feedback.models import FeedbackItem, FeedbackLink
from tests.factories import ProductServiceFactory
from tests.feedback.factories import FeedbackItemFactory
from tests.feedback.public.catalogue import english_left, read_po, visible_text
from tests.feedback.public.conftest import FORM_URL, complaint, png

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale/hi/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")
NAME = "मीरा अय्यर"
WORDS = "पंप की बॉडी में दरार थी।"
# Where the strings a customer meets come from (the staff's link page is not one).
CUSTOMER_FILES = (
    "templates/public/",
    "feedback/templates/feedback/public/form.html",
    "feedback/templates/feedback/public/received.html",
    "feedback/templates/feedback/public/received_gone.html",
    "feedback/templates/feedback/public/link_gone.html",
    "feedback/templates/feedback/public/status.html",
    "templates/emails/base.html",
    "templates/emails/feedback_",
    "templates/403_csrf.html",
    "feedback/public/forms.py",
    "core/public.py",
    "core/limits.py",
    "feedback/complaints/attachments.py",
)


def assert_hindi(html, where):
    left = english_left(visible_text(html), allowed=(settings.ORGANISATION_NAME,))
    assert not left, f"English left in {where}: {left}"


def hindi_complaint(**changes):
    return complaint(**{"name": NAME, "subject": WORDS, "description": WORDS, **changes})


@pytest.fixture
def hindi_product():
    return ProductServiceFactory(name="पंप सर्विसिंग")


def test_the_form_pages_are_in_hindi(client, form_link, hindi_product):
    _link, token = form_link(language="hi", name=NAME)
    pages = {
        "the form": client.get(f"{FORM_URL}?lang=hi"),
        "the identified form": client.get(f"/p/feedback/to/{token}/"),
        "a link that does not work": client.get("/p/feedback/to/nonsense/?lang=hi"),
        "a status link that does not work": client.get("/p/feedback/status/nonsense/?lang=hi"),
        "an old confirmation": client.get("/p/feedback/received/nonsense/?lang=hi"),
    }

    for where, response in pages.items():
        assert '<html lang="hi">' in response.content.decode(), where
        assert_hindi(response.content.decode(), where)


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "", "description": "x" * 10_001, "email": "नहीं", "subject": "x" * 201},
        {"kind": "follow_up", "description": "", "name": "x" * 151},
        {
            "attachments": [
                SimpleUploadedFile("a.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")
            ]
        },
        {"attachments": [png(f"p{i}.png") for i in range(4)]},
        {"attachments": [SimpleUploadedFile("empty.txt", b"", "text/plain")]},
        {"product": "999999"},
    ],
    ids=["fields", "kind-and-required", "file-type", "file-count", "empty-file", "product"],
)
def test_the_form_with_errors_is_in_hindi(client, changes, hindi_product):
    response = client.post(f"{FORM_URL}?lang=hi", hindi_complaint(**changes))

    assert "त्रुटि:" in response.content.decode()
    assert_hindi(response.content.decode(), "the form with errors")


def test_an_oversized_file_is_refused_in_hindi(client, settings):
    settings.FEEDBACK_ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)

    response = client.post(f"{FORM_URL}?lang=hi", hindi_complaint(attachments=[big]))

    assert "big.png" in response.content.decode()
    assert_hindi(response.content.decode(), "the oversized file's refusal")


@pytest.mark.parametrize("email", ["asha@example.in", ""])
def test_the_confirmation_is_in_hindi(client, email):
    response = client.post(f"{FORM_URL}?lang=hi", hindi_complaint(email=email))
    confirmation = client.get(response["Location"])

    assert FeedbackItem.objects.get().reference in confirmation.content.decode()
    assert_hindi(confirmation.content.decode(), "the confirmation")


@pytest.mark.parametrize("status", list(FeedbackItem.Status))
@pytest.mark.parametrize("kind", list(FeedbackItem.Kind))
def test_the_status_page_is_in_hindi_at_every_stage(client, status, kind, hindi_product):
    item = FeedbackItemFactory(
        kind=kind,
        status=status,
        language="hi",
        subject=WORDS,
        description=WORDS,
        decision=WORDS,
        product=hindi_product,
    )
    item.attachments.create(
        token="t", file="feedback/x", original_name="photo.png", content_type="image/png", size=3
    )
    _link, token = link_create(purpose=FeedbackLink.Purpose.STATUS, item=item)

    page = client.get(f"/p/feedback/status/{token}/").content.decode()

    assert '<html lang="hi">' in page
    assert_hindi(page, f"the status page ({kind}, {status})")


def test_the_rate_limit_refusal_is_in_hindi(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public.feedback": (1, 60 * 60)}
    client.post(f"{FORM_URL}?lang=hi", hindi_complaint())

    refused = client.post(f"{FORM_URL}?lang=hi", hindi_complaint())

    assert refused.status_code == 429
    assert_hindi(refused.content.decode(), "the rate limit's refusal")


@pytest.mark.parametrize("kind", [FeedbackItem.Kind.COMPLAINT, FeedbackItem.Kind.SUGGESTION])
@pytest.mark.parametrize("name", [NAME, ""])
def test_the_acknowledgement_email_is_in_hindi(kind, name):
    item = FeedbackItemFactory(kind=kind, description=WORDS, due_at=timezone.now())
    context = {"item": item, "name": name, "status_url": "https://qms.example/p/feedback/s/x/"}

    with translation.override("hi"):
        subject, text, html = render_email("feedback_acknowledgement", context)

    assert '<html lang="hi">' in html
    for where, part in (("subject", subject), ("text", text), ("html", visible_text(html))):
        left = english_left(part)
        assert not left, f"English left in the acknowledgement's {where}: {left}"


@pytest.mark.parametrize("kind", [FeedbackItem.Kind.COMPLAINT, FeedbackItem.Kind.ENQUIRY])
def test_the_decision_email_is_in_hindi(kind):
    item = FeedbackItemFactory(kind=kind, description=WORDS, decision="हम आवरण बदल देंगे।")
    context = {"item": item, "name": NAME, "status_url": "https://qms.example/p/feedback/s/x/"}

    with translation.override("hi"):
        subject, text, html = render_email("feedback_decision", context)

    assert '<html lang="hi">' in html
    for where, part in (("subject", subject), ("text", text), ("html", visible_text(html))):
        left = english_left(part)
        assert not left, f"English left in the decision's {where}: {left}"


def test_the_feedback_link_email_is_in_hindi():
    context = {
        "name": NAME,
        "form_url": "https://qms.example/p/feedback/to/x/",
        "expires_at": timezone.now() + timedelta(days=90),
        "organisation_name": settings.ORGANISATION_NAME,
    }

    with translation.override("hi"):
        subject, text, html = render_email("feedback_link", context)

    allowed = (settings.ORGANISATION_NAME,)
    for where, part in (("subject", subject), ("text", text), ("html", visible_text(html))):
        left = english_left(part, allowed=allowed)
        assert not left, f"English left in the link email's {where}: {left}"


def test_the_check_finds_english_left_in_a_page():
    html = "<p>आपकी प्रतिक्रिया</p><p>Thank you for writing</p><a title='Open it'>x</a>"

    assert english_left(visible_text(html)) == ["Thank you for writing", "Open it"]


def test_the_catalogue_translates_every_string_a_customer_meets():
    entries = read_po(PO)
    customer = [e for e in entries if any(f.startswith(CUSTOMER_FILES) for f in e.files)]
    kinds = {str(label) for label in FeedbackItem.Kind.labels}
    customer += [e for e in entries if e.msgid in kinds]

    missing = [e.msgid for e in customer if not e.translated]

    assert len(customer) > 50
    assert not missing, f"untranslated or fuzzy in {PO.name}: {missing}"


def test_the_compiled_catalogue_matches_the_po():
    with MO.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    stale = []
    for entry in read_po(PO):
        if not entry.translated:
            continue
        if entry.plural is None:
            found = catalogue.gettext(entry.msgid)
        else:
            found = catalogue.ngettext(entry.msgid, entry.plural, 1)
        if found != entry.msgstr[0]:
            stale.append(entry.msgid)

    assert not stale, f"{MO} is older than its .po: run `make compilemessages` ({stale[:5]})"


def test_december_is_spelt_right_in_hindi():
    with translation.override("hi"):
        text = date_format(timezone.datetime(2025, 12, 5), "j F Y")
        months = [date_format(timezone.datetime(2025, m, 1), "F") for m in (9, 11)]

    assert text == "5 दिसंबर 2025"
    assert months == ["सितंबर", "नवंबर"]


def test_file_sizes_read_naturally_in_hindi(client):
    page = client.get(f"{FORM_URL}?lang=hi").content.decode()

    assert "5 एमबी" in page
    assert "मेबी" not in page
    help_text = page[page.index('id="id_attachments_helptext"') :]
    assert "अधिकतम 5 एमबी की" in help_text[: help_text.index("</div>")]
