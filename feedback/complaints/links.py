"""Links for people without an account: made, found and withdrawn here only.

A token is 32 random bytes from ``secrets`` (256 bits), sent in the link and never
stored: the table keeps its SHA-256. Finding a link hashes what the visitor brings.
"""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.email import email_queue
from core.models import OutboundEmail, User
from customers.models import Contact
from feedback.complaints.models import FeedbackItem, FeedbackLink

# Longer than this is not a token of ours: refused before any hashing or query.
TOKEN_MAX_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_create(
    *,
    purpose: str,
    contact: Contact | None = None,
    item: FeedbackItem | None = None,
    by: User | None = None,
    expires_at: Any = None,
) -> tuple[FeedbackLink, str]:
    """Make a link and return it with its token (the only time the token is known)."""
    token = secrets.token_urlsafe(32)
    link = FeedbackLink.objects.create(
        purpose=purpose,
        contact=contact,
        item=item,
        token_hash=token_hash(token),
        created_by=by,
        expires_at=expires_at or FeedbackLink.default_expiry(),
    )
    return link, token


def link_url(link: FeedbackLink, token: str) -> str:
    """Return the absolute URL of a link (for emails)."""
    name = (
        "feedback_public:form_for"
        if link.purpose == FeedbackLink.Purpose.FORM
        else "feedback_public:status"
    )
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[token])


def link_find(token: str, *, purpose: str) -> FeedbackLink | None:
    """Return the usable link of this purpose the token opens, or None (unknown,
    expired or withdrawn alike: the page says the link no longer works)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        FeedbackLink.objects.usable(timezone.now())
        .select_related("contact__customer", "item__contact")
        .filter(purpose=purpose, token_hash=token_hash(token))
        .first()
    )


def link_person(link: FeedbackLink) -> Contact | None:
    """Return the contact a link speaks for: a form link's own, a status link's item's
    (the status link was emailed to them)."""
    if link.purpose == FeedbackLink.Purpose.FORM:
        return link.contact
    return link.item.contact if link.item is not None else None


def link_can_be_sent(contact: Contact) -> str | None:
    """Return why the contact cannot be sent a form link, or None when they can."""
    if contact.erased_at is not None:
        return _("This contact's personal data was erased: there is no one to send a link to.")
    if contact.is_voided or contact.customer.is_voided:
        return _("This contact or their customer is void: no link is sent to them.")
    if not contact.email:
        return _("This contact has no email address to send the link to.")
    return None


@transaction.atomic
def link_send(*, contact: Contact, by: User) -> OutboundEmail:
    """Email the contact a link to the feedback form that knows who they are.

    The email is in the contact's language; the link (a secret) stays clickable in the
    communication log only where ``COMMUNICATION_LOG_KEEP_LINKS`` is on. Each call
    makes a new link; earlier ones keep working until they expire.
    """
    if why := link_can_be_sent(contact):
        raise ValidationError(why)
    link, token = link_create(purpose=FeedbackLink.Purpose.FORM, contact=contact, by=by)
    form_url = link_url(link, token)
    return email_queue(
        to=contact.email,
        purpose="feedback form link",
        template="feedback_link",
        context={
            "name": contact.name,
            "form_url": form_url,
            "expires_at": link.expires_at,
            "organisation_name": settings.ORGANISATION_NAME,
        },
        related=contact,
        by=by,
        language=contact.language,
        secrets=[form_url],
        keep_secrets=settings.COMMUNICATION_LOG_KEEP_LINKS,
    )
