import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import OutboundEmail
from feedback.complaints.services import feedback_receive
from feedback.models import Attachment, FeedbackItem, FeedbackLink
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_a_complaint_from_a_contact_is_acknowledged_in_their_language_with_a_status_link(
    django_capture_on_commit_callbacks,
):
    contact = ContactFactory(language="hi")
    with django_capture_on_commit_callbacks():
        item = feedback_receive(
            kind=FeedbackItem.Kind.COMPLAINT,
            channel=FeedbackItem.Channel.EMAIL,
            description="The pump leaks.",
            contact=contact,
            language=contact.language,
        )
    item.refresh_from_db()
    assert item.customer == contact.customer
    assert item.status == FeedbackItem.Status.ACKNOWLEDGED
    assert item.due_at is not None
    assert item.acknowledged_at is not None
    email = OutboundEmail.objects.get(recipient=contact.email)
    assert email.language == "hi"
    assert item.reference in email.subject
    link = FeedbackLink.objects.get(item=item)
    assert link.purpose == FeedbackLink.Purpose.STATUS
    assert "/p/feedback/status/" in email.body_text


def test_a_file_of_a_type_not_taken_saves_nothing():
    upload = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not a PDF"):
        feedback_receive(
            kind=FeedbackItem.Kind.SUGGESTION,
            channel=FeedbackItem.Channel.WEB_FORM,
            description="More colours",
            sender_email="a@example.com",
            files=[upload],
        )
    assert not FeedbackItem.objects.exists()
    assert not Attachment.objects.exists()
