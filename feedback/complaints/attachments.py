"""Attachments to feedback: what a file may be, checked on its content.

A file is refused when it is larger than ``FEEDBACK_ATTACHMENT_MAX_BYTES``, when more
than ``FEEDBACK_ATTACHMENT_MAX_FILES`` come with one item, when its first bytes are
not one of ``FEEDBACK_ATTACHMENT_TYPES`` (the type the browser claims is not trusted),
or when its name's extension is not one of that type's (an ``.html`` file is text by
its content, but a browser opening it by its name would run its script). Stored
files are private (``core.files``).
"""

import secrets
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The content types this module can recognise, by the bytes a file starts with.
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}

# The extensions a file's name may have, for the type its content shows.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "text/plain": (".txt",),
}
KIB = 1024
MIB = 1024 * KIB


def size_text(size: int) -> str:
    """Return a size as people read it: "5 MB", "1.5 MB", "200 KB", "100 bytes"
    (binary units, a whole number without ".0"), the number in the active language's
    format (Django's ``filesizeformat`` writes "5.0 MB", and in Hindi "मेबी")."""
    if size < KIB:
        return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": size}
    unit, amount = (_("%(size)s MB"), Decimal(size) / MIB)
    if size < MIB:
        unit, amount = (_("%(size)s KB"), Decimal(size) / KIB)
    rounded = amount.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    places = 0 if rounded == rounded.to_integral_value() else 1
    return unit % {"size": number_format(rounded, decimal_pos=places)}


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
                _("The file %(name)s is larger than %(limit)s, the most a file may be.")
                % {
                    "name": upload.name,
                    "limit": size_text(settings.FEEDBACK_ATTACHMENT_MAX_BYTES),
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
        if PurePath(upload.name).suffix.lower() not in EXTENSIONS.get(content_type, ()):
            raise ValidationError(
                _(
                    "The name of the file %(name)s does not fit what it holds: a PDF must "
                    "end in .pdf, a JPEG image in .jpg or .jpeg, a PNG image in .png, and "
                    "plain text in .txt."
                )
                % {"name": upload.name}
            )
        checked.append((upload, content_type))
    return checked


def new_token() -> str:
    return secrets.token_hex(16)
