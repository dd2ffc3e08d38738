from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import OutboundEmail
from feedback.models import FeedbackItem
from tests.feedback.factories import FeedbackItemFactory
from tests.feedback.public.conftest import complaint, stored_files

pytestmark = pytest.mark.django_db


def test_the_identified_form_greets_the_contact_and_does_not_ask_who_they_are(client, form_link):
    _link, token = form_link(name="Ravi Kumar", language="en")

    page = client.get(f"/p/feedback/to/{token}/").content.decode()

    assert "Hello Ravi Kumar" in page
    assert 'name="email"' not in page
    assert 'name="name"' not in page


def test_the_identified_form_opens_in_the_contacts_language(client, form_link):
    _link, token = form_link(language="hi")

    page = client.get(f"/p/feedback/to/{token}/").content.decode()

    assert '<html lang="hi">' in page
    assert "हमें अपनी प्रतिक्रिया भेजें" in page


def test_an_explicit_choice_wins_over_the_contacts_language(client, form_link):
    _link, token = form_link(language="hi")

    page = client.get(f"/p/feedback/to/{token}/?lang=en").content.decode()

    assert '<html lang="en">' in page


def test_a_get_does_not_mark_the_link_used(client, form_link):
    link, token = form_link()

    client.get(f"/p/feedback/to/{token}/")

    link.refresh_from_db()
    assert link.last_used_at is None


def test_a_post_records_the_item_against_the_contact_and_marks_the_link_used(client, form_link):
    link, token = form_link(language="hi")
    contact = link.contact

    response = client.post(
        f"/p/feedback/to/{token}/", complaint(name="Someone Else", email="x@evil.example")
    )

    assert response.status_code == 302
    item = FeedbackItem.objects.get()
    assert (item.contact, item.customer, item.language) == (contact, contact.customer, "hi")
    assert (item.sender_name, item.sender_email) == ("", "")
    assert OutboundEmail.objects.get().recipient == contact.email
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_a_refused_post_does_not_mark_the_link_used(client, form_link):
    link, token = form_link()

    client.post(f"/p/feedback/to/{token}/", complaint(description=""))

    link.refresh_from_db()
    assert link.last_used_at is None
    assert not FeedbackItem.objects.exists()


@pytest.mark.parametrize("state", ["forged", "expired", "withdrawn", "erased", "status_token"])
def test_a_link_that_does_not_work_shows_a_clear_page_offering_the_form_and_stores_nothing(
    client, form_link, media_root, state
):
    link, token = form_link()
    if state == "forged":
        token = token[:-4] + "AAAA"
    elif state == "expired":
        link.expires_at = timezone.now() - timedelta(seconds=1)
        link.save()
    elif state == "withdrawn":
        link.revoked_at = timezone.now()
        link.save()
    elif state == "erased":
        link.contact.erased_at = timezone.now()
        link.contact.save()
    elif state == "status_token":
        link.purpose = "status"
        link.contact = None
        link.item = FeedbackItemFactory()
        link.save()

    shown = client.get(f"/p/feedback/to/{token}/")
    posted = client.post(f"/p/feedback/to/{token}/", complaint())

    for response in (shown, posted):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
        assert 'href="/p/feedback/?lang=en"' in response.content.decode()
    assert FeedbackItem.objects.count() == (1 if state == "status_token" else 0)
    assert not OutboundEmail.objects.exists()
    assert not stored_files(media_root)


def test_a_link_that_does_not_work_speaks_the_requested_language(client):
    response = client.get("/p/feedback/to/nonsense/?lang=hi")

    assert response.status_code == 404
    assert '<html lang="hi">' in response.content.decode()
    assert "यह लिंक काम नहीं करता" in response.content.decode()


def test_an_overlong_token_is_refused_without_a_lookup(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/p/feedback/to/" + "a" * 500 + "/")

    assert response.status_code == 404


def test_after_sending_through_a_personal_link_more_feedback_keeps_the_link(client, form_link):
    _link, token = form_link(language="en")

    response = client.post(f"/p/feedback/to/{token}/", complaint())
    confirmation = client.get(response["Location"]).content.decode()

    assert f'href="/p/feedback/to/{token}/?lang=en">Send more feedback' in confirmation


def test_a_head_request_to_a_personal_link_answers_and_changes_nothing(client, form_link):
    link, token = form_link(language="en")

    response = client.head(f"/p/feedback/to/{token}/")

    link.refresh_from_db()
    assert response.status_code == 200
    assert response.content == b""
    assert link.last_used_at is None
    assert not FeedbackItem.objects.exists()
