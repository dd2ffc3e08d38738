"""Writes the public feedback pages make: one item per form sent, in one transaction."""

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.history import system_actor
from customers.models import ProductService
from feedback.complaints.links import link_person
from feedback.complaints.models import FeedbackItem, FeedbackLink
from feedback.complaints.services import feedback_receive

# What the history of an item sent through the public form names as its maker.
ACTOR = "public feedback form"


def item_sent_with(submission_key: str) -> FeedbackItem | None:
    """Return the item a rendering of the form already made, or None."""
    return FeedbackItem.objects.filter(submission_key=submission_key).first()


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
    submission_key: str = "",
) -> FeedbackItem:
    """Record what a visitor sent through the public form and acknowledge it.

    With a ``link`` (a form link, or the status link of an item of theirs) the item
    names the link's contact and customer (not whatever
    the visitor typed), and the link records its use; a refusal (a file, a field)
    raises a ValidationError and nothing is saved, the link's use included.

    A ``submission_key`` (one rendering of the form) makes one item only: a post with
    a key already used returns the item it made, and nothing new is saved or sent.
    Two such posts at once both get past the first look; the unique key decides, and
    the loser's work (item, files' rows, history, acknowledgement) is rolled back to
    its savepoint.
    """
    if submission_key and (earlier := item_sent_with(submission_key)) is not None:
        return earlier
    contact = link_person(link) if link is not None else None
    try:
        with transaction.atomic(), system_actor(ACTOR):
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
            if submission_key:
                # An update, not a history row: the key says nothing about the feedback.
                FeedbackItem.objects.filter(pk=item.pk).update(submission_key=submission_key)
                item.submission_key = submission_key
            if link is not None:
                FeedbackLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    except IntegrityError:
        earlier = item_sent_with(submission_key) if submission_key else None
        if earlier is None:
            raise
        return earlier
    return item
