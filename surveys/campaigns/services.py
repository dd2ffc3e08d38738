"""Writes of the campaigns register: invitations, their emails, withdrawals, opt-outs.

A quality manager sends one invitation by hand here; the campaigns dispatch makes
them in bulk through the same functions' rules.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.email import email_queue
from core.history import attribute_change, system_actor
from core.models import OutboundEmail, User
from core.records import lock_stored
from customers.models import Contact
from surveys.campaigns import links
from surveys.campaigns.models import Invitation, InvitationToken, Progress, UnsubscribeToken
from surveys.design.models import QuestionnaireVersion

# The first question of these kinds goes in the email, each score a link.
SCORE_IN_EMAIL = ("nps", "csat")
UNSUBSCRIBE_ACTOR = "unsubscribe link"


def invitation_refusal(*, version: QuestionnaireVersion, contact: Contact) -> str:
    """Return why this contact cannot be invited to answer this version, or ""."""
    if refusal := version.send_refusal():
        return refusal
    if refusal := contact.survey_refusal():
        return refusal
    already = Invitation.objects.open().filter(
        contact=contact, version__questionnaire_id=version.questionnaire_id
    )
    if already.exists():
        return _(
            "This contact already has an open invitation to this questionnaire: "
            "withdraw it first, or wait for the answer."
        )
    return ""


@transaction.atomic
def invitation_create(
    *, version: QuestionnaireVersion, contact: Contact, by: User | None = None, now: Any = None
) -> Invitation:
    """Make an invitation, recording the contact's customer, segments, products and
    language as they are now, and freeze the version (it is in use from now on).

    The contact and the version are locked first, so two sends at once cannot both
    pass the checks, and a version retired meanwhile is seen as retired.
    """
    contact = lock_stored(contact, "customer")
    version = lock_stored(version, "questionnaire")
    if refusal := invitation_refusal(version=version, contact=contact):
        raise ValidationError(refusal)
    now = now or timezone.now()
    customer = contact.customer
    invitation = Invitation.objects.create(
        version=version,
        contact=contact,
        customer=customer,
        language=contact.language,
        created_at=now,
        created_by=by if by and by.pk else None,
    )
    invitation.segments.set(customer.segments.filter(voided_at__isnull=True))
    invitation.products.set(customer.products.filter(voided_at__isnull=True))
    # The first use freezes the version; later uses keep the first time. A stamp
    # claimed once, like a counter: the approval is the version's recorded event.
    QuestionnaireVersion.objects.filter(pk=version.pk, frozen_at__isnull=True).update(frozen_at=now)
    return invitation


def _score_links(invitation: Invitation, token: str) -> dict[str, Any] | None:
    """Return the first question, its scale as links, and its end labels, when the
    first question is a score the email can carry."""
    questions = invitation.version.ordered_questions()
    if not questions or questions[0].kind not in SCORE_IN_EMAIL:
        return None
    question, language = questions[0], invitation.language
    low, high = question.scale() or (0, 0)
    return {
        "text": question.text_in(language),
        "low_label": question.text_in(language, "low"),
        "high_label": question.text_in(language, "high"),
        "scores": [
            {"score": score, "url": links.survey_url(token, score=score)}
            for score in range(low, high + 1)
        ],
    }


@transaction.atomic
def invitation_email(
    *,
    invitation: Invitation,
    kind: str = InvitationToken.Kind.FIRST,
    by: User | None = None,
    now: Any = None,
) -> OutboundEmail:
    """Queue one email for the invitation (the first, or a reminder) with a new link
    of its own, in the contact's language, and with unsubscribe links and headers.

    Refused for an invitation answered or closed, and for a contact no survey may go
    to any more (opted out since, say): the checks run on the locked invitation.
    """
    invitation = lock_stored(invitation, "contact__customer", "version__questionnaire")
    contact, version = invitation.contact, invitation.version
    now = now or timezone.now()
    progress = Invitation.objects.with_progress(now).values_list("progress", flat=True)
    if progress.get(pk=invitation.pk) in (Progress.ANSWERED, Progress.WITHDRAWN):
        raise ValidationError(_("This invitation is answered or withdrawn: nothing is sent."))
    if refusal := contact.survey_refusal():
        raise ValidationError(refusal)
    row, token = links.survey_token_create(invitation=invitation, kind=kind, now=now)
    unsubscribe = links.unsubscribe_tokens_create(contact=contact, invitation=invitation, now=now)
    answer_url = links.survey_url(token)
    page_url = links.unsubscribe_url(unsubscribe[UnsubscribeToken.Kind.PAGE])
    one_click = links.one_click_url(unsubscribe[UnsubscribeToken.Kind.ONE_CLICK])
    first = _score_links(invitation, token)
    language = invitation.language
    reminder = kind == InvitationToken.Kind.REMINDER
    email = email_queue(
        to=contact.email,
        purpose="survey reminder" if reminder else "survey invitation",
        template="survey_reminder" if reminder else "survey_invitation",
        context={
            "name": contact.name,
            "title": version.title_in(language),
            "intro": version.text(language, "intro"),
            "first_question": first,
            "answer_url": answer_url,
            "unsubscribe_url": page_url,
            "expires_at": row.expires_at,
            "organisation_name": settings.ORGANISATION_NAME,
        },
        related=invitation,
        by=by,
        language=language,
        secrets=[
            answer_url,
            page_url,
            one_click,
            *(score["url"] for score in (first or {}).get("scores", [])),
        ],
        keep_secrets=settings.COMMUNICATION_LOG_KEEP_LINKS,
        headers={
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    InvitationToken.objects.filter(pk=row.pk).update(email=email)
    Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=now)
    Invitation.objects.filter(pk=invitation.pk, state=Invitation.State.PENDING).update(
        state=Invitation.State.SENT
    )
    return email


@transaction.atomic
def invitation_send(*, version: QuestionnaireVersion, contact: Contact, by: User) -> Invitation:
    """Invite one contact by hand: make the invitation and queue its email."""
    invitation = invitation_create(version=version, contact=contact, by=by)
    invitation_email(invitation=invitation, by=by)
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User, reason: str) -> Invitation:
    """Withdraw an invitation that is not answered: its links stop working at once."""
    stored = lock_stored(invitation)
    if stored.is_withdrawn:
        raise ValidationError(_("This invitation is already withdrawn."))
    response = links.response_of(stored)
    if response is not None and response.completed_at is not None:
        raise ValidationError(_("This invitation is answered: an answer cannot be withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the invitation is withdrawn.")})
    Invitation.objects.filter(pk=stored.pk).update(
        state=Invitation.State.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawn_by=by,
        withdraw_reason=reason.strip(),
    )
    stored.refresh_from_db()
    return stored


@transaction.atomic
def contact_unsubscribe(*, link: UnsubscribeToken) -> Contact:
    """Record the opt-out a contact asked for through an unsubscribe link, with its
    time, on the contact and its history. Asking again changes nothing."""
    contact = lock_stored(link.contact)
    now = timezone.now()
    UnsubscribeToken.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if contact.opted_out or contact.erased_at is not None or contact.is_voided:
        return contact
    contact.opted_out, contact.opted_out_at = True, now
    with system_actor(UNSUBSCRIBE_ACTOR):
        attribute_change(
            contact, by=None, reason="Opted out through the unsubscribe link of a survey email."
        )
        contact.save(update_fields=["opted_out", "opted_out_at", "updated_at"])
    return contact
