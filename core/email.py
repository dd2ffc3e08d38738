"""The one email helper: render, record, send from a task, retry from beat.

``email_queue`` renders ``templates/emails/<template>.subject.txt``, ``.txt`` and
``.html``, stores an ``OutboundEmail`` row and rings the broker after commit. The
``send_email_batch`` task claims rows with a conditional UPDATE, sends them over one
connection, and records the outcome; a failed attempt waits for the next delay in
``EMAIL_RETRY_DELAYS`` and the ``retry_due_emails`` beat job sends it again, until the
attempts run out and the row ends as failed with the reason. The broker is never
trusted to redeliver anything.
"""

import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from core.broker import ring
from core.erasure import Pseudonyms
from core.history import current_actor
from core.models import OutboundEmail, User

logger = logging.getLogger(__name__)

REDACTED = "[link removed from the log]"
# How long a claimed row may stay "sending" before beat gives it back to the queue.
CLAIM_LEASE = timedelta(minutes=10)
CHUNK_SIZE = 200

State = OutboundEmail.State


def _render_plain(name: str, context: dict[str, Any]) -> str:
    # Subjects and text bodies are not HTML: nothing in them is escaped.
    template: Any = get_template(name)
    return str(template.template.render(Context(context, autoescape=False)))


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Return the subject, text body and HTML body of an email template."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = _render_plain(f"emails/{template}.subject.txt", context)
    text = _render_plain(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text.strip() + "\n", html


def email_queue(
    *,
    to: str,
    purpose: str,
    template: str,
    context: dict[str, Any],
    related: models.Model | None = None,
    by: User | None = None,
    language: str | None = None,
    secrets: Sequence[str] = (),
    keep_secrets: bool = False,
    headers: dict[str, str] | None = None,
) -> OutboundEmail:
    """Render and queue one email; it is sent by a worker after the transaction commits.

    ``secrets`` are strings (one-time links) that the stored bodies and ``headers``
    lose once the email is sent or given up, unless ``keep_secrets`` is set.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, text, html = render_email(template, context)
    email = OutboundEmail.objects.create(
        recipient=to.strip().lower(),
        purpose=purpose,
        content_type=ContentType.objects.get_for_model(related) if related else None,
        object_id=str(related.pk) if related else "",
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        secrets=[] if keep_secrets else [s for s in secrets if s],
        headers=dict(headers or {}),
        created_by=by if by and by.pk else None,
        created_actor="" if by else current_actor(),
    )
    transaction.on_commit(lambda: ring_for_batch([email.pk]))
    return email


def ring_for_batch(email_ids: list[int]) -> None:
    """Ring the broker; if it does not answer, the retry beat job sends the rows later."""
    ring("core.tasks.send_email_batch", email_ids)


def _claim(email_id: int, token: uuid.UUID, now: Any) -> OutboundEmail | None:
    claimed = OutboundEmail.objects.filter(
        pk=email_id, state=State.QUEUED, next_attempt_at__lte=now
    ).update(
        state=State.SENDING,
        claim_token=token,
        claimed_until=now + CLAIM_LEASE,
        attempts=F("attempts") + 1,
    )
    return OutboundEmail.objects.get(pk=email_id) if claimed else None


def _redacted(text: str, secrets: Iterable[str]) -> str:
    # Longest first: a link that extends another (a score link) goes whole.
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _finish(email: OutboundEmail, token: uuid.UUID, **changes: Any) -> None:
    if changes.get("state") in (State.SENT, State.FAILED) and email.secrets:
        changes.update(
            body_text=_redacted(email.body_text, email.secrets),
            body_html=_redacted(email.body_html, email.secrets),
            headers={
                name: _redacted(value, email.secrets) for name, value in email.headers.items()
            },
            secrets=[],
        )
    OutboundEmail.objects.filter(pk=email.pk, claim_token=token).update(
        claim_token=None, claimed_until=None, **changes
    )


def _message(email: OutboundEmail, connection: Any) -> EmailMultiAlternatives:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        connection=connection,
        headers={**email.headers, "Message-ID": make_msgid(domain=domain)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def email_batch_send(*, email_ids: Iterable[int]) -> dict[str, int]:
    """Send the given queued emails that are due, over one connection; count outcomes."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    delays = settings.EMAIL_RETRY_DELAYS
    connection = None
    try:
        for email_id in email_ids:
            token, now = uuid.uuid4(), timezone.now()
            email = _claim(email_id, token, now)
            if email is None:
                counts["skipped"] += 1
                continue
            try:
                if connection is None:
                    connection = get_connection()
                    connection.open()
                message = _message(email, connection)
                message.send()
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"[:2000]
                logger.warning("Email %s attempt %s failed: %s", email.pk, email.attempts, reason)
                if email.attempts > len(delays):
                    _finish(email, token, state=State.FAILED, failed_at=now, last_error=reason)
                    counts["failed"] += 1
                else:
                    delay = timedelta(seconds=delays[email.attempts - 1])
                    _finish(
                        email,
                        token,
                        state=State.QUEUED,
                        next_attempt_at=now + delay,
                        last_error=reason,
                    )
                    counts["retry"] += 1
                # A connection that failed once is not trusted for the next message.
                if connection is not None:
                    connection.close()
                connection = None
                continue
            _finish(
                email,
                token,
                state=State.SENT,
                sent_at=timezone.now(),
                message_id=message.extra_headers["Message-ID"],
            )
            counts["sent"] += 1
    finally:
        if connection is not None:
            connection.close()
    return counts


@transaction.atomic
def emails_reclaim_stale() -> int:
    """Give rows whose worker died while sending back to the queue; return how many."""
    return OutboundEmail.objects.filter(
        state=State.SENDING, claimed_until__lt=timezone.now()
    ).update(state=State.QUEUED, claim_token=None, claimed_until=None)


def emails_retry_due() -> int:
    """Enqueue every queued email that is due, in chunks; return how many."""
    emails_reclaim_stale()
    due = list(
        OutboundEmail.objects.filter(state=State.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:10_000]
    )
    for start in range(0, len(due), CHUNK_SIZE):
        ring_for_batch(due[start : start + CHUNK_SIZE])
    return len(due)


def emails_purge_bodies() -> int:
    """Blank the bodies of emails older than EMAIL_BODY_RETENTION_DAYS; return how many."""
    cutoff = timezone.now() - timedelta(days=settings.EMAIL_BODY_RETENTION_DAYS)
    return (
        OutboundEmail.objects.filter(created_at__lt=cutoff)
        .exclude(Q(body_text="") & Q(body_html=""))
        .exclude(state__in=[State.QUEUED, State.SENDING])
        .update(body_text="", body_html="", secrets=[], headers={})
    )


def emails_erase(*, addresses: Iterable[str], replacement: str, pseudonyms: Pseudonyms) -> int:
    """Pseudonymise an erased person in the email log; return the emails changed.

    An email sent to one of their ``addresses`` keeps its row (that it was sent, when,
    why) with the ``replacement`` address, no bodies and no secrets; any email that
    mentions them (its subject, or another person's email about them) is scrubbed.
    """
    to_them = Q(pk__in=[])
    for address in addresses:
        to_them |= Q(recipient__iexact=address)
    changed = set(OutboundEmail.objects.filter(to_them).values_list("pk", flat=True))
    OutboundEmail.objects.filter(pk__in=changed).update(
        recipient=replacement, body_text="", body_html="", secrets=[], headers={}
    )
    mentions = Q(pk__in=[])
    for identifier in pseudonyms.identifiers:
        mentions |= (
            Q(subject__icontains=identifier)
            | Q(body_text__icontains=identifier)
            | Q(body_html__icontains=identifier)
        )
    for email in OutboundEmail.objects.filter(mentions).only("subject", "body_text", "body_html"):
        OutboundEmail.objects.filter(pk=email.pk).update(
            subject=pseudonyms.scrub(email.subject),
            body_text=pseudonyms.scrub(email.body_text),
            body_html=pseudonyms.scrub(email.body_html),
        )
        changed.add(email.pk)
    return len(changed)
