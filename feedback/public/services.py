"""Writes the public feedback pages make: one item per form sent, in one transaction."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from customers.models import ProductService
from feedback.complaints.models import FeedbackItem, FeedbackLink
from feedback.complaints.services import feedback_receive


@transaction.atomic
def feedback_submit_public(
    *,
    kind: str,
    description: str,
    language: str,
    subject: str = "",
    product: ProductService | None = None,
    sender_name: str = "",
    sender_email: str = "",
    files: Sequence[Any] = (),
    link: FeedbackLink | None = None,
) -> FeedbackItem:
    """Record what a visitor sent through the public form and acknowledge it.

    With a form ``link`` the item names the link's contact and customer (not whatever
    the visitor typed), and the link records its use; a refusal (a file, a field)
    raises a ValidationError and nothing is saved, the link's use included.
    """
    contact = link.contact if link is not None else None
    item = feedback_receive(
        kind=kind,
        channel=FeedbackItem.Channel.WEB_FORM,
        description=description,
        language=language,
        subject=subject,
        contact=contact,
        product=product,
        sender_name="" if contact else sender_name,
        sender_email="" if contact else sender_email,
        files=files,
    )
    if link is not None:
        FeedbackLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return item
