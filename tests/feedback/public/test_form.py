import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import OutboundEmail
from feedback.models import Attachment, FeedbackItem, FeedbackLink
from tests.factories import ProductServiceFactory
from tests.feedback.public.conftest import FORM_URL, complaint, png, stored_files

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def submit(client, data, url=FORM_URL, **extra):
    return client.post(url, data, **extra)


def follow_confirmation(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def assert_nothing_saved(media_root):
    assert not FeedbackItem.objects.exists()
    assert not Attachment.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert not stored_files(media_root)


def test_the_form_opens_without_login_and_states_its_limits(client):
    ProductServiceFactory(name="Pump servicing")

    page = client.get(FORM_URL).content.decode()

    assert "Up to 10,000 characters." in page
    assert "Up to 3 files, each at most 5 MB:" in page
    assert 'accept=".pdf,.jpg,.jpeg,.png,.txt' in page
    assert "Pump servicing" in page
    assert "without it we cannot reply to you" in page


def test_an_anonymous_complaint_is_saved_acknowledged_and_confirmed_with_its_reference(
    client, django_capture_on_commit_callbacks
):
    product = ProductServiceFactory()
    with django_capture_on_commit_callbacks(execute=False):
        response = submit(client, complaint(product=product.pk, attachments=[png()]))
    confirmation = follow_confirmation(client, response)

    item = FeedbackItem.objects.get()
    assert (item.kind, item.channel, item.product) == ("complaint", "web_form", product)
    assert (item.sender_name, item.sender_email) == ("Asha Verma", "asha@example.in")
    assert item.status == FeedbackItem.Status.ACKNOWLEDGED
    assert item.attachments.get().original_name == "photo.png"
    assert item.reference in confirmation.content.decode()
    assert "We have emailed you an acknowledgement" in confirmation.content.decode()


def test_the_confirmation_address_does_not_carry_the_item_id(client):
    response = submit(client, complaint())

    item = FeedbackItem.objects.get()
    assert f"/{item.pk}/" not in response["Location"]
    assert item.reference not in response["Location"]


def test_a_forged_confirmation_address_shows_no_reference(client):
    page = client.get("/p/feedback/received/eyJyIjoiRkItMDAwMDAxIn0:forged/")

    assert page.status_code == 404
    assert "FB-" not in page.content.decode()


def test_without_an_email_address_the_confirmation_says_no_acknowledgement_was_sent(client):
    confirmation = follow_confirmation(client, submit(client, complaint(name="", email="")))

    assert "You did not leave an email address" in confirmation.content.decode()
    assert FeedbackItem.objects.get().status == FeedbackItem.Status.RECEIVED
    assert not OutboundEmail.objects.exists()


def test_the_acknowledgement_is_queued_in_the_senders_language_with_the_status_link(client):
    submit(client, complaint(), f"{FORM_URL}?lang=hi")

    item = FeedbackItem.objects.get()
    email = OutboundEmail.objects.get()
    assert (item.language, email.language, email.recipient) == ("hi", "hi", "asha@example.in")
    assert "हमें आपकी प्रतिक्रिया मिल गई है" in email.subject
    assert re.search(r"/p/feedback/status/[\w-]{40,}/", email.body_text)


def test_a_filled_honeypot_shows_the_same_confirmation_and_stores_nothing(client, media_root):
    response = submit(client, complaint(website="http://spam.example", attachments=[png()]))
    confirmation = follow_confirmation(client, response)

    assert re.search(r"FB-\d{6}", confirmation.content.decode())
    assert "We have emailed you an acknowledgement" in confirmation.content.decode()
    assert_nothing_saved(media_root)


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    page = client.get(FORM_URL).content.decode()

    assert re.search(
        r'<div class="visually-hidden" aria-hidden="true">\s*<label for="id_website">'
        r'[^<]+</label>\s*<input type="text" name="website" id="id_website" tabindex="-1" '
        r'autocomplete="off">',
        page,
    )


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(media_root):
    client = Client(enforce_csrf_checks=True)

    response = client.post(FORM_URL, complaint())

    assert response.status_code == 403
    assert_nothing_saved(media_root)


def test_a_post_with_the_csrf_token_from_the_page_is_taken():
    client = Client(enforce_csrf_checks=True)
    page = client.get(FORM_URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(FORM_URL, {**complaint(), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert FeedbackItem.objects.count() == 1


def test_an_oversized_file_is_refused_by_name_and_nothing_is_saved(client, settings, media_root):
    settings.FEEDBACK_ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("big-photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)

    response = submit(client, complaint(attachments=[png(), big]))

    assert response.status_code == 200
    assert "The file big-photo.png is larger than 100 bytes, the most a file may be." in (
        response.content.decode()
    )
    assert_nothing_saved(media_root)


def test_a_file_of_a_type_not_taken_is_refused_by_name_and_nothing_is_saved(client, media_root):
    exe = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")

    response = submit(client, complaint(attachments=[exe]))

    assert "The file invoice.pdf is not a PDF, JPEG or PNG image" in response.content.decode()
    assert_nothing_saved(media_root)


def test_too_many_files_are_refused(client, media_root):
    files = [png(f"p{i}.png") for i in range(settings.FEEDBACK_ATTACHMENT_MAX_FILES + 1)]

    response = submit(client, complaint(attachments=files))

    assert "Attach at most 3 files." in response.content.decode()
    assert_nothing_saved(media_root)


def test_a_description_over_the_limit_is_refused_with_the_limit_and_its_length(client, media_root):
    response = submit(client, complaint(description="x" * 10_001))

    assert "Write at most 10,000 characters: this text has 10,001." in response.content.decode()
    assert_nothing_saved(media_root)


def test_an_error_is_tied_to_its_field_and_listed_at_the_top(client):
    page = submit(client, complaint(email="not-an-address")).content.decode()

    field = re.search(r'<input type="email" name="email"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_email_helptext id_email_error"' in field
    assert '<div id="id_email_error" class="invalid-feedback">' in page
    assert (
        '<a class="alert-link" href="#id_email">Your email address: Enter an email address such as'
        in page
    )
    assert "<title>Error: Send us your feedback" in page


def test_a_missing_kind_and_description_are_refused(client, media_root):
    page = submit(client, complaint(kind="", description="")).content.decode()

    assert 'href="#id_kind_0">What would you like to send?: Choose' in page
    assert "Choose what you would like to send." in page
    assert "Write what you would like to tell us." in page
    assert_nothing_saved(media_root)


def test_a_follow_up_cannot_be_sent_from_the_public_form(client, media_root):
    page = submit(client, complaint(kind="follow_up")).content.decode()

    assert "Choose what you would like to send." in page
    assert_nothing_saved(media_root)


def test_script_in_every_field_is_escaped_on_the_pages_and_in_the_email(client):
    fields = {
        "subject": SCRIPT,
        "description": SCRIPT,
        "name": SCRIPT,
        "email": "asha@example.in",
    }
    confirmation = follow_confirmation(client, submit(client, complaint(**fields)))
    email = OutboundEmail.objects.get()
    status_url = re.search(r"(/p/feedback/status/[^/\s]+/)", email.body_text).group(1)
    status_page = client.get(status_url).content.decode()

    for html in (confirmation.content.decode(), status_page, email.body_html):
        assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in status_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.body_html


def test_script_in_a_refused_form_is_escaped_when_shown_again(client):
    page = submit(client, complaint(description=SCRIPT, email=SCRIPT)).content.decode()

    assert SCRIPT not in page
    assert "&lt;script&gt;" in page


def test_a_get_never_saves_anything(client, media_root):
    client.get(FORM_URL, {"kind": "complaint", "description": "x", "website": ""})

    assert_nothing_saved(media_root)


def test_the_form_keeps_the_chosen_language_across_the_post(client):
    page = client.get(f"{FORM_URL}?lang=hi").content.decode()

    assert 'action="/p/feedback/?lang=hi"' in page
    response = submit(client, complaint(), f"{FORM_URL}?lang=hi")
    assert response["Location"].endswith("?lang=hi")
    assert FeedbackItem.objects.get().language == "hi"


def test_a_link_to_the_form_is_never_needed_and_links_are_not_created_by_the_form(client):
    submit(client, complaint(email=""))

    assert not FeedbackLink.objects.filter(purpose=FeedbackLink.Purpose.FORM).exists()


def test_the_oversize_message_says_the_limit_once_and_plainly(client, media_root):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 5_242_980)

    page = submit(client, complaint(attachments=[big])).content.decode()

    assert "The file big.pdf is larger than 5 MB, the most a file may be." in page
    assert_nothing_saved(media_root)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("scan.png", b"%PDF-1.7\n"),
        ("notes.jpg", b"plain words"),
    ],
)
def test_a_file_whose_name_does_not_fit_its_content_is_refused_by_name(
    client, media_root, name, content
):
    upload = SimpleUploadedFile(name, content, content_type="text/plain")

    page = submit(client, complaint(attachments=[upload])).content.decode()

    assert f"The name of the file {name} does not fit what it holds" in page
    assert_nothing_saved(media_root)


@pytest.mark.parametrize("name", ["notes.TXT", "scan.jpeg", "photo.JPG"])
def test_a_file_whose_name_fits_its_content_is_taken(client, name):
    content = b"plain words" if name.lower().endswith(".txt") else b"\xff\xd8\xff\xe0" + b"0" * 32

    response = submit(client, complaint(attachments=[SimpleUploadedFile(name, content)]))

    assert response.status_code == 302
    assert Attachment.objects.get().original_name == name


def test_the_error_summary_lists_fields_in_the_forms_order_and_takes_the_focus(client):
    page = submit(
        client, complaint(description="", subject="x" * 201, name="x" * 151)
    ).content.decode()

    summary = page[page.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    order = [summary.index(label) for label in ("Tell us about it", "Subject", "Your name")]
    assert order == sorted(order)
    assert 'tabindex="-1" autofocus' in page
    assert page.count("autofocus") == 1


def test_a_head_request_answers_like_get_without_a_body_and_changes_nothing(client):
    response = client.head(FORM_URL)

    assert response.status_code == 200
    assert response.content == b""
    assert not FeedbackItem.objects.exists()


def test_history_names_the_public_form_as_who_made_the_item(client):
    submit(client, complaint())

    row = FeedbackItem.objects.get().history.earliest()
    assert (row.history_user, row.history_actor) == (None, "public feedback form")


def test_after_sending_the_confirmation_offers_the_anonymous_form_again(client):
    confirmation = follow_confirmation(client, submit(client, complaint()))

    assert 'href="/p/feedback/?lang=en">Send more feedback' in confirmation.content.decode()
