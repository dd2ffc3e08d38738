"""Writes to feedback items: receiving, the complaint workflow, attachments."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.email import email_queue
from core.history import attribute_change
from core.models import User
from customers.models import Contact, Customer, ProductService
from feedback.complaints.attachments import check_uploads, new_token
from feedback.complaints.links import link_create, link_url
from feedback.complaints.models import Attachment, FeedbackItem, FeedbackLink

Kind = FeedbackItem.Kind


def targets_for(*, kind: str, received_at: Any, severity: str = "") -> dict[str, Any]:
    """Return the target dates of an item of this kind received then: one definition
    for receiving, assessing (a severity changes the close-by date) and the demo."""
    targets: dict[str, Any] = {
        "acknowledge_due_at": received_at + timedelta(hours=settings.FEEDBACK_ACKNOWLEDGE_HOURS)
    }
    if kind == Kind.COMPLAINT:
        days = settings.COMPLAINT_TARGET_DAYS[severity or FeedbackItem.Severity.MEDIUM]
        targets["due_at"] = received_at + timedelta(days=days)
    elif kind == Kind.FOLLOW_UP:
        targets["due_at"] = received_at + timedelta(days=settings.FOLLOW_UP_TARGET_DAYS)
    else:
        targets["due_at"] = None
    return targets


def _acknowledge(item: FeedbackItem, *, by: User | None) -> None:
    """Send the acknowledgement in the sender's language and mark the item acknowledged."""
    address = item.contact.email if item.contact_id and item.contact else item.sender_email
    if not address or (item.contact_id and item.contact and item.contact.erased_at):
        return
    link, token = link_create(purpose=FeedbackLink.Purpose.STATUS, item=item, by=by)
    status_url = link_url(link, token)
    email_queue(
        to=address,
        purpose="feedback acknowledgement",
        template="feedback_acknowledgement",
        context={
            "item": item,
            "name": item.contact.name if item.contact_id and item.contact else item.sender_name,
            "status_url": status_url,
        },
        related=item,
        by=by,
        language=item.language,
        secrets=[status_url],
        keep_secrets=settings.COMMUNICATION_LOG_KEEP_LINKS,
    )
    item.set_status(FeedbackItem.Status.ACKNOWLEDGED, by=by, reason="Acknowledgement emailed")
    item.acknowledged_at = timezone.now()
    item.save()


@transaction.atomic
def feedback_receive(
    *,
    kind: str,
    channel: str,
    description: str,
    language: str = "en",
    subject: str = "",
    customer: Customer | None = None,
    contact: Contact | None = None,
    product: ProductService | None = None,
    sender_name: str = "",
    sender_email: str = "",
    owner: User | None = None,
    received_at: Any = None,
    files: Sequence[Any] = (),
    by: User | None = None,
    acknowledge: bool = True,
) -> FeedbackItem:
    """Record feedback as it arrives, with its attachments, and acknowledge it.

    The acknowledgement email goes to the contact (or the sender's address) in their
    language, after commit; an item with no address stays received. A refused file
    or field raises a ValidationError and nothing is saved.
    """
    received_at = received_at or timezone.now()
    if contact is not None and customer is None:
        customer = contact.customer
    if owner is None and customer is not None and kind in (Kind.COMPLAINT, Kind.FOLLOW_UP):
        owner = customer.account_owner
    checked = check_uploads(files)
    item = FeedbackItem(
        kind=kind,
        channel=channel,
        description=description,
        language=language,
        subject=subject,
        customer=customer,
        contact=contact,
        product=product,
        sender_name=sender_name,
        sender_email=sender_email,
        owner=owner,
        received_at=received_at,
        **targets_for(kind=kind, received_at=received_at),
    )
    item.full_clean()
    if by is not None:
        attribute_change(item, by=by)
    item.save()
    for upload, content_type in checked:
        Attachment.objects.create(
            item=item,
            token=new_token(),
            file=upload,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
        )
    if acknowledge:
        _acknowledge(item, by=by)
    return item
