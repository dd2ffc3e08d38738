"""Attachments to feedback: what a file may be, checked on its content.

A file is refused when it is larger than ``FEEDBACK_ATTACHMENT_MAX_BYTES``, when more
than ``FEEDBACK_ATTACHMENT_MAX_FILES`` come with one item, or when its first bytes are
not one of ``FEEDBACK_ATTACHMENT_TYPES`` (the name and the type the browser claims are
not trusted). Stored files are private (``core.files``).
"""

import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The content types this module can recognise, by the bytes a file starts with.
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff(head: bytes) -> str:
    """Return the content type the file's first bytes show, or "" if none allowed."""
    for content_type, starts in _SIGNATURES.items():
        if head.startswith(starts):
            return content_type
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text; any other
        # undecodable byte (a lone continuation byte, as in "MZ\x90") is not.
        if exc.reason != "unexpected end of data" or exc.start < len(head) - 3:
            return ""
        text = head[: exc.start].decode("utf-8")
    if "\x00" in text:
        return ""
    return "text/plain"


def check_uploads(files: Sequence[Any]) -> list[tuple[Any, str]]:
    """Return each upload with its content type; raise a ValidationError saying what
    is wrong with the first file refused (too many, too large, of a type not taken)."""
    if len(files) > settings.FEEDBACK_ATTACHMENT_MAX_FILES:
        raise ValidationError(
            _("Attach at most %(count)s files.") % {"count": settings.FEEDBACK_ATTACHMENT_MAX_FILES}
        )
    checked = []
    for upload in files:
        if upload.size > settings.FEEDBACK_ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                _("The file %(name)s is %(size)s; files may be at most %(limit)s.")
                % {
                    "name": upload.name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.FEEDBACK_ATTACHMENT_MAX_BYTES),
                }
            )
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        content_type = sniff(head)
        if not head or content_type not in settings.FEEDBACK_ATTACHMENT_TYPES:
            raise ValidationError(
                _("The file %(name)s is not a PDF, JPEG or PNG image, or plain text file.")
                % {"name": upload.name}
            )
        checked.append((upload, content_type))
    return checked


def new_token() -> str:
    return secrets.token_hex(16)
