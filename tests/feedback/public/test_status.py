from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.complaints.links import link_create
from feedback.models import Attachment, FeedbackItem, FeedbackLink
from tests.factories import ContactFactory, UserFactory
from tests.feedback.factories import FeedbackItemFactory
from tests.feedback.public.conftest import complaint

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


def test_the_status_page_names_the_kind_as_the_form_did(client):
    item = FeedbackItemFactory(kind=FeedbackItem.Kind.ENQUIRY)
    _link, url = status_link(item)

    page = client.get(url).content.decode()

    assert "A question" in page
    assert "Enquiry" not in page


def test_the_reference_stays_on_one_line(client):
    item = FeedbackItemFactory()
    _link, url = status_link(item)

    page = client.get(url).content.decode()

    assert f'Your feedback <span class="text-nowrap">{item.reference}</span>' in page
    assert f'mention <span class="text-nowrap">{item.reference}</span>' in page


def test_the_status_page_lists_only_the_files_the_sender_sent(client):
    item = FeedbackItemFactory()
    staff = UserFactory()
    for name, by in (("sent.png", None), ("<script>x</script>.txt", staff)):
        Attachment.objects.create(
            item=item,
            token=name[:8],
            original_name=name,
            content_type="image/png",
            size=1,
            uploaded_by=by,
        )
    _link, url = status_link(item)

    page = client.get(url).content.decode()

    assert "sent.png" in page
    assert "script" not in page.split("Files you attached")[1]


def test_a_head_request_to_the_status_page_answers_and_changes_nothing(client):
    item = FeedbackItemFactory()
    _link, url = status_link(item)

    response = client.head(url)

    assert response.status_code == 200
    assert response.content == b""
    assert FeedbackItem.objects.get() == item


def test_the_contacts_status_page_offers_more_feedback_through_their_own_link(client):
    item = FeedbackItemFactory(contact=ContactFactory(language="en"))
    _link, url = status_link(item)
    more = f"{url}more/"

    page = client.get(url).content.decode()
    form = client.get(more).content.decode()
    response = client.post(more, complaint(name="", email=""))

    assert f'href="{more}?lang=en">Send more feedback' in page
    assert 'name="email"' not in form
    sent = FeedbackItem.objects.exclude(pk=item.pk).get()
    assert sent.contact == item.contact
    assert (
        f'href="{more}?lang=en">Send more feedback'
        in client.get(response["Location"]).content.decode()
    )


def test_an_anonymous_senders_status_page_offers_the_anonymous_form(client):
    item = FeedbackItemFactory(contact=None, sender_email="asha@example.in")
    _link, url = status_link(item)

    page = client.get(url).content.decode()

    assert 'href="/p/feedback/?lang=en">Send more feedback' in page
    assert client.get(f"{url}more/").status_code == 404
