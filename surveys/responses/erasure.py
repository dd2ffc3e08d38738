"""Erasing a contact reaches their surveys: a ``contact_erased`` receiver.

The issue asks that an erasure "pseudonymises their free-text answers and keeps the
scores". The free text is scrubbed, not blanked: every name and address the person
was known by, and each part of those names, is replaced by the contact's pseudonym
(as their feedback is), so what they said about the product still counts in the
results while nothing in it names them. Scores and chosen choices carry nothing of
the person and stay. Their invitations not answered are withdrawn (nobody is left to
answer them), and staff's reasons for withdrawing any of them are scrubbed too; their
links and unsubscribe links hold only hashes and keys.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from core.erasure import Pseudonyms
from surveys.campaigns.models import Invitation
from surveys.responses.models import Answer


def answers_forget(*, contact: Any, pseudonyms: Pseudonyms) -> int:
    """Scrub the person from the free text of every answer they gave; return how many
    answers changed."""
    # Their own answers: every part of a name they had goes too.
    pseudonyms = pseudonyms.with_name_parts()
    changed = 0
    answers = Answer.objects.filter(response__contact_id=contact.pk).exclude(text="")
    for pk, text in answers.values_list("pk", "text"):
        scrubbed = pseudonyms.scrub(text)
        if scrubbed != text:
            changed += Answer.objects.filter(pk=pk).update(text=scrubbed)
    return changed


def invitations_forget(*, contact: Any, pseudonyms: Pseudonyms, by: Any) -> int:
    """Scrub the person from the reasons staff gave for withdrawing their invitations,
    and withdraw those neither answered nor withdrawn; return how many were withdrawn.

    A conditional update, not ``invitation_withdraw``: an invitation answered while
    the erasure runs stays answered, and the erasure goes on.
    """
    invitations = Invitation.objects.filter(contact_id=contact.pk)
    pseudonyms = pseudonyms.with_name_parts()
    for pk, reason in invitations.exclude(withdraw_reason="").values_list("pk", "withdraw_reason"):
        if (scrubbed := pseudonyms.scrub(reason)) != reason:
            Invitation.objects.filter(pk=pk).update(withdraw_reason=scrubbed)
    return (
        invitations.filter(withdrawn_at__isnull=True)
        .exclude(response__completed_at__isnull=False)
        .update(
            state=Invitation.State.WITHDRAWN,
            withdrawn_at=timezone.now(),
            withdrawn_by=by,
            withdraw_reason=gettext("The contact's personal data was erased."),
        )
    )


def forget_erased_contact(
    sender: Any, *, contact: Any, pseudonyms: Pseudonyms, erasure: Any, **kwargs: Any
) -> None:
    """The ``contact_erased`` receiver: withdraw the open invitations, scrub the answers."""
    invitations_forget(contact=contact, pseudonyms=pseudonyms, by=erasure.performed_by)
    answers_forget(contact=contact, pseudonyms=pseudonyms)
