"""One rendering of the form makes one item: a double tap or a retried post shows the
same confirmation and sends one acknowledgement."""

import re

import pytest
from django.core import signing

from core.models import OutboundEmail
from feedback.models import FeedbackItem
from feedback.public import services
from feedback.public.forms import SUBMISSION_KEY_SALT
from feedback.public.services import feedback_submit_public
from tests.feedback.public.conftest import FORM_URL, complaint

pytestmark = pytest.mark.django_db


def rendered_key(client, url=FORM_URL):
    page = client.get(url).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def test_each_rendering_of_the_form_carries_its_own_signed_key(client):
    first, second = rendered_key(client), rendered_key(client)

    assert first != second
    assert signing.loads(first, salt=SUBMISSION_KEY_SALT)


def test_two_posts_with_the_same_key_make_one_item_one_email_and_the_same_confirmation(
    client, django_capture_on_commit_callbacks
):
    key = rendered_key(client)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(FORM_URL, complaint(submission_key=key))
        second = client.post(FORM_URL, complaint(submission_key=key))

    item = FeedbackItem.objects.get()
    assert OutboundEmail.objects.count() == 1
    for response in (first, second):
        assert response.status_code == 302
        assert item.reference in client.get(response["Location"]).content.decode()


def test_a_forged_key_is_refused_and_the_form_comes_back_with_a_good_one(client):
    response = client.post(FORM_URL, complaint(submission_key="chosen-by-the-visitor"))

    assert response.status_code == 200
    assert "This form could not be checked. Please send it again." in response.content.decode()
    assert not FeedbackItem.objects.exists()
    fresh = re.search(r'name="submission_key" value="([^"]+)"', response.content.decode())
    assert signing.loads(fresh.group(1), salt=SUBMISSION_KEY_SALT)


def test_a_post_that_loses_the_race_shows_the_winners_item_and_saves_nothing(
    monkeypatch, django_capture_on_commit_callbacks
):
    # Two posts at once both find no item for the key; the unique key decides.
    winner = feedback_submit_public(
        kind="complaint", description="Cracked", language="en", submission_key="k1"
    )
    monkeypatch.setattr(services, "item_sent_with", _first_look_misses(services.item_sent_with))

    with django_capture_on_commit_callbacks(execute=True):
        again = feedback_submit_public(
            kind="complaint",
            description="Cracked",
            language="en",
            sender_email="asha@example.in",
            submission_key="k1",
        )

    assert again == winner
    assert FeedbackItem.objects.count() == 1
    assert not OutboundEmail.objects.exists()


def _first_look_misses(look):
    calls = []

    def missing_once(key):
        calls.append(key)
        return None if len(calls) == 1 else look(key)

    return missing_once


def test_items_without_a_key_do_not_collide():
    for _ in range(2):
        feedback_submit_public(kind="complaint", description="Cracked", language="en")

    assert FeedbackItem.objects.filter(submission_key__isnull=True).count() == 2
