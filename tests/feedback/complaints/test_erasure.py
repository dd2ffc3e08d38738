"""Erasing a contact reaches their feedback: its text, its history, its attachments'
names and files; the items, their status and the figures stay."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Contact
from customers.register.services import contact_erase
from feedback.complaints import services
from feedback.models import Attachment, FeedbackItem
from tests.erasure import not_allowed, places_holding
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

NAME = "Zoë Ibáñez-Quennell"
EMAIL = "zoe.ibanez@mail.example"


def test_after_an_erasure_no_table_and_no_file_holds_the_sender_of_feedback(
    client, quality_manager, django_capture_on_commit_callbacks
):
    contact = ContactFactory(name=NAME, email=EMAIL)
    letter = SimpleUploadedFile(
        f"{NAME} letter.txt", f"Written by {NAME}, {EMAIL}".encode(), content_type="text/plain"
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = services.feedback_receive(
            kind="complaint",
            channel="email",
            subject=f"Complaint from {NAME}",
            description=f"I am {NAME}; write to {EMAIL}.",
            contact=contact,
            owner=quality_manager,
            files=[letter],
        )
        services.feedback_assess(
            item=item, by=quality_manager, severity="low", remedy_sought=f"Call {NAME} back"
        )
        services.feedback_respond(
            item=item, by=quality_manager, decision=f"Dear {NAME}, we refund."
        )
    # The same person, anonymously through the form, under the same address.
    anonymous = services.feedback_receive(
        kind="suggestion",
        channel="web_form",
        description="More colours",
        sender_name=NAME,
        sender_email=EMAIL,
        acknowledge=False,
    )
    assert places_holding(NAME, EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        contact_erase(
            contact=contact,
            by=quality_manager,
            requested_by="By email",
            requested_on=date(2026, 1, 2),
        )

    found = places_holding(NAME, EMAIL)
    assert not_allowed(found) == []
    item.refresh_from_db()
    assert item.status == FeedbackItem.Status.RESPONDED
    assert item.severity == "low"
    attachment = Attachment.objects.get(item=item)
    assert attachment.original_name == f"attachment-{attachment.pk}.txt"
    assert not attachment.file
    assert attachment.file_erased_at is not None
    anonymous.refresh_from_db()
    assert (anonymous.sender_name, anonymous.sender_email) == ("", "")
    client.force_login(quality_manager)
    html = client.get(reverse("feedback:item_detail", args=[item.pk])).content.decode()
    assert "when the sender's personal data was erased" in html
    assert Contact.objects.get(pk=contact.pk).is_erased


def test_erasure_replaces_each_part_of_their_name_in_their_own_items_only(
    quality_manager, django_capture_on_commit_callbacks
):
    from feedback.complaints.selectors import feedback_search  # noqa: PLC0415

    contact = ContactFactory(name="Zorabella Quixworth", email="zq@mail.example")
    mine = services.feedback_receive(
        kind="complaint",
        channel="email",
        subject="Quixworth alarm",
        description="Zorabella says the alarm rings.",
        contact=contact,
        owner=quality_manager,
    )
    anonymous = services.feedback_receive(
        kind="suggestion",
        channel="web_form",
        subject="From Quixworth again",
        description="Idea",
        sender_email="zq@mail.example",
    )
    other = services.feedback_receive(
        kind="compliment",
        channel="email",
        subject="Quixworth Industries were great",
        description="A company of that name",
        contact=ContactFactory(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        contact_erase(
            contact=contact,
            by=quality_manager,
            requested_by="By email",
            requested_on=date(2026, 1, 2),
        )
    for item in (mine, anonymous):
        item.refresh_from_db()
        assert "Quixworth" not in item.subject
        assert "Zorabella" not in item.description
        assert not item.history.filter(subject__icontains="Quixworth").exists()
    assert list(feedback_search("Quixworth")) == [other]
    other.refresh_from_db()
    assert other.subject == "Quixworth Industries were great"
