"""Erasing a contact reaches their feedback: a ``contact_erased`` receiver.

The items the person sent (as the contact, or under an address they had) keep their
kind, dates, status and figures; their free text is scrubbed of every name and
address the person was known by, and of each part of those names, on the items and
on every history row of them, as are the attachments' file names. The files
themselves are deleted once the erasure commits (what a photo or a letter shows
cannot be scrubbed); each attachment row stays, saying that its file was removed on
erasure.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.erasure import Pseudonyms
from feedback.complaints.models import Attachment, FeedbackItem

# The free text of an item that the sender wrote or that quotes them.
FREE_TEXT = (
    "subject",
    "description",
    "sender_name",
    "sender_email",
    "remedy_sought",
    "assessment",
    "investigation",
    "decision",
    "recourse_outcome",
    "resolution",
    "acknowledged_how",
    "void_reason",
)


def _scrub_rows(rows: Any, fields: tuple[str, ...], pseudonyms: Pseudonyms) -> None:
    for pk, *texts in rows.values_list("pk", *fields):
        scrubbed = [pseudonyms.scrub(text or "") for text in texts]
        if scrubbed != [text or "" for text in texts]:
            rows.model._base_manager.filter(pk=pk).update(
                **dict(zip(fields, scrubbed, strict=True))
            )


def feedback_forget(*, contact: Any, pseudonyms: Pseudonyms) -> list[int]:
    """Scrub the erased person from their feedback items, those items' history and
    their attachments' names; mark the attachments' files for deletion. Return the ids
    of the attachments whose files are to be deleted."""
    addresses = [text for text in pseudonyms.identifiers if "@" in text]
    items = FeedbackItem._base_manager.filter(
        Q(contact_id=contact.pk) | Q(sender_email__in=addresses)
    )
    ids = list(items.values_list("pk", flat=True))
    if not ids:
        return []
    # Their own items: every part of a name they had goes too ("Quixworth alarm").
    pseudonyms = pseudonyms.with_name_parts()
    # Their own name and address on the items they sent go whole, whatever the spelling.
    FeedbackItem._base_manager.filter(pk__in=ids).update(sender_name="", sender_email="")
    FeedbackItem.history.filter(id__in=ids).update(sender_name="", sender_email="")
    _scrub_rows(FeedbackItem._base_manager.filter(pk__in=ids), FREE_TEXT, pseudonyms)
    _scrub_rows(
        FeedbackItem.history.filter(id__in=ids),
        (*FREE_TEXT, "history_change_reason"),
        pseudonyms,
    )
    attachments = Attachment.objects.filter(item_id__in=ids)
    for attachment in attachments.only("pk", "original_name", "content_type"):
        extension = {
            "application/pdf": ".pdf",
            "image/jpeg": ".jpg",
            "image/png": ".png",
            "text/plain": ".txt",
        }.get(attachment.content_type, "")
        Attachment.objects.filter(pk=attachment.pk).update(
            original_name=f"attachment-{attachment.pk}{extension}"
        )
    return list(attachments.filter(file_erased_at__isnull=True).values_list("pk", flat=True))


def attachment_files_delete(*, ids: list[int]) -> int:
    """Delete the files of these attachments; the row says so after, so a row that
    says deleted never points at a file still on disk. Return how many."""
    deleted = 0
    for attachment in Attachment.objects.filter(pk__in=ids, file_erased_at__isnull=True):
        if attachment.file:
            attachment.file.storage.delete(attachment.file.name)
        deleted += Attachment.objects.filter(pk=attachment.pk, file_erased_at__isnull=True).update(
            file="", file_erased_at=timezone.now()
        )
    return deleted


def forget_erased_contact(
    sender: Any, *, contact: Any, pseudonyms: Pseudonyms, **kwargs: Any
) -> None:
    """The ``contact_erased`` receiver: scrub now, delete the files once the erasure commits."""
    ids = feedback_forget(contact=contact, pseudonyms=pseudonyms)
    if ids:
        transaction.on_commit(lambda: attachment_files_delete(ids=ids), robust=True)
