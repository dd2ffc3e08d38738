from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.complaints.links import link_create
from feedback.models import FeedbackItem, FeedbackLink
from tests.factories import UserFactory
from tests.feedback.factories import FeedbackItemFactory

pytestmark = pytest.mark.django_db

Status = FeedbackItem.Status


def status_link(item, **changes):
    link, token = link_create(purpose=FeedbackLink.Purpose.STATUS, item=item)
    for name, value in changes.items():
        setattr(link, name, value)
    link.save()
    return link, f"/p/feedback/status/{token}/"


@pytest.mark.parametrize(
    ("status", "stage"),
    [
        (Status.RECEIVED, "Received"),
        (Status.ACKNOWLEDGED, "Acknowledged"),
        (Status.ASSESSED, "Being looked into"),
        (Status.INVESTIGATING, "Being looked into"),
        (Status.RESPONDED, "Answered"),
        (Status.CLOSED, "Closed"),
    ],
)
def test_the_status_page_names_the_stage_in_plain_words(client, status, stage):
    item = FeedbackItemFactory(status=status)
    _link, url = status_link(item)

    page = client.get(url).content.decode()

    assert f"Where it stands: <strong>{stage}</strong>" in page
    assert item.reference in page
    assert 'aria-current="step"' in page


def test_the_status_page_shows_what_was_sent_and_when_but_no_internal_notes_or_staff(client):
    owner = UserFactory(full_name="Priya Internal")
    item = FeedbackItemFactory(
        status=Status.INVESTIGATING,
        subject="Late delivery",
        description="The order came two weeks late.",
        assessment="Carrier at fault, internal note",
        investigation="Checked the depot logs",
        decision="Draft decision not yet sent",
        owner=owner,
    )
    _link, url = status_link(item)

    page = client.get(url).content.decode()

    assert "Late delivery" in page
    assert "The order came two weeks late." in page
    assert f"{item.received_at:%Y}" in page
    for hidden in ("Carrier at fault", "depot logs", "Draft decision", "Priya Internal"):
        assert hidden not in page


def test_the_decision_is_shown_once_responded(client):
    item = FeedbackItemFactory(status=Status.RESPONDED, decision="We will replace the pump.")
    _link, url = status_link(item)

    page = client.get(url).content.decode()

    assert "Our answer" in page
    assert "We will replace the pump." in page


def test_the_status_page_is_in_the_senders_language_unless_another_is_chosen(client):
    item = FeedbackItemFactory(language="hi")
    _link, url = status_link(item)

    assert '<html lang="hi">' in client.get(url).content.decode()
    assert '<html lang="en">' in client.get(f"{url}?lang=en").content.decode()


@pytest.mark.parametrize("state", ["forged", "expired", "withdrawn", "voided", "form_token"])
def test_a_status_link_that_does_not_work_shows_a_clear_page(client, state):
    item = FeedbackItemFactory()
    changes = {}
    if state == "expired":
        changes["expires_at"] = timezone.now() - timedelta(minutes=1)
    elif state == "withdrawn":
        changes["revoked_at"] = timezone.now()
    _link, url = status_link(item, **changes)
    if state == "forged":
        url = url[:-6] + "AAAAA/"
    elif state == "voided":
        FeedbackItem.objects.filter(pk=item.pk).update(voided_at=timezone.now())
    elif state == "form_token":
        _form, token = link_create(purpose=FeedbackLink.Purpose.FORM, contact=item.contact)
        url = f"/p/feedback/status/{token}/"

    response = client.get(url)

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert item.reference not in response.content.decode()


def test_the_status_page_never_changes_the_link(client):
    link, url = status_link(FeedbackItemFactory())

    client.get(url)

    link.refresh_from_db()
    assert link.last_used_at is None


def test_the_status_page_does_not_take_posts(client):
    _link, url = status_link(FeedbackItemFactory())

    assert client.post(url).status_code == 405
