"""Erasing a contact reaches their surveys: their free-text answers are scrubbed of
them, the scores and choices stay, their open invitations are withdrawn, and nothing
in any table or stored file names them afterwards."""

from datetime import date

import pytest

from core.models import OutboundEmail
from customers.models import email_hash
from customers.register.services import contact_erase
from surveys.campaigns.models import Invitation
from surveys.campaigns.services import invitation_withdraw
from surveys.responses.models import Answer
from tests.erasure import not_allowed, places_holding
from tests.factories import ContactFactory
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import invite, nps_version

pytestmark = pytest.mark.django_db

NAME = "Zoë Ibáñez-Quennell"
EMAIL = "zoe.ibanez@mail.example"


def erase(contact, by):
    contact_erase(contact=contact, by=by, requested_by="By email", requested_on=date(2026, 1, 2))


def test_after_an_erasure_nothing_holds_the_person_and_the_scores_stay(
    quality_manager, django_capture_on_commit_callbacks
):
    contact = ContactFactory(name=NAME, email=EMAIL, language="hi")
    answered, _ = invite(contact=contact, by=quality_manager)
    response = respond(
        answered,
        score=4,
        text=f"I am {NAME}; write to {EMAIL}. Ibáñez-Quennell says the courier is slow.",
        choices=["quality", "phone"],
    )
    open_, _ = invite(contact=contact, version=nps_version(), by=quality_manager)
    # Staff's reason for withdrawing one names the person: it is scrubbed too.
    withdrawn, _ = invite(contact=contact, version=nps_version(), by=quality_manager)
    invitation_withdraw(
        invitation=withdrawn, by=quality_manager, reason=f"{NAME} asked by phone: no surveys"
    )
    someone_else = respond(invite()[0], score=2, text="Zoë from Acme was helpful")
    scores_before = list(Answer.objects.filter(response=response).values_list("score", "choices"))
    assert places_holding(NAME, EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        erase(contact, quality_manager)

    found = places_holding(NAME, EMAIL, email_hash(EMAIL))
    assert not_allowed(found) == []
    assert {item.where.split(" ")[0] for item in found} == {"customers.SuppressedEmail.email_hash"}
    # The answers stay, scores and choices as given; the text keeps what it says.
    assert (
        list(Answer.objects.filter(response=response).values_list("score", "choices"))
        == scores_before
    )
    texts = list(Answer.objects.filter(response=response).exclude(text="").values_list("text"))
    assert texts
    assert all("the courier is slow" in text for (text,) in texts)
    assert all(f"Erased contact {contact.pk}" in text for (text,) in texts)
    # The answered invitation stays answered; the open one is withdrawn.
    answered.refresh_from_db()
    assert answered.withdrawn_at is None
    open_.refresh_from_db()
    assert open_.state == Invitation.State.WITHDRAWN
    assert open_.withdrawn_by == quality_manager
    assert open_.withdraw_reason == "The contact's personal data was erased."
    withdrawn.refresh_from_db()
    assert withdrawn.withdraw_reason == f"Erased contact {contact.pk} asked by phone: no surveys"
    # Someone else's answer that mentions a first name alone is theirs to keep.
    assert set(
        Answer.objects.filter(response=someone_else).exclude(text="").values_list("text", flat=True)
    ) == {"Zoë from Acme was helpful"}
    assert OutboundEmail.objects.filter(recipient=EMAIL).count() == 0


def test_an_erasure_of_a_contact_without_surveys_changes_no_answer(quality_manager):
    other = respond(invite()[0], score=1, text="Slow deliveries")
    contact = ContactFactory(name=NAME, email=EMAIL)

    erase(contact, quality_manager)

    assert list(Answer.objects.filter(response=other).exclude(text="").values_list("text")) == [
        ("Slow deliveries",),
        ("Slow deliveries",),
    ]
