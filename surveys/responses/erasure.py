"""Erasing a contact reaches their surveys: a ``contact_erased`` receiver.

The issue asks that an erasure "pseudonymises their free-text answers and keeps the
scores". The free text is scrubbed, not blanked: every name and address the person
was known by, and each part of those names, is replaced by the contact's pseudonym
(as their feedback is), so what they said about the product still counts in the
results while nothing in it names them. Scores and chosen choices carry nothing of
the person and stay. Their invitations still open are withdrawn (nobody is left to
answer them); their links and unsubscribe links hold only hashes and keys.
"""

from typing import Any

from django.utils.translation import gettext

from core.erasure import Pseudonyms
from surveys.campaigns.models import Invitation
from surveys.campaigns.services import invitation_withdraw
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


def forget_erased_contact(
    sender: Any, *, contact: Any, pseudonyms: Pseudonyms, erasure: Any, **kwargs: Any
) -> None:
    """The ``contact_erased`` receiver: withdraw the open invitations, scrub the answers."""
    for invitation in Invitation.objects.open().filter(contact_id=contact.pk):
        invitation_withdraw(
            invitation=invitation,
            by=erasure.performed_by,
            reason=gettext("The contact's personal data was erased."),
        )
    answers_forget(contact=contact, pseudonyms=pseudonyms)
