"""Erasing a contact reaches the communication log: their communications' free text,
every history row of them, and any communication or plan row that mentions them."""

from datetime import date

import pytest
from django.urls import reverse

from core.roles import Role
from feedback.communication import services
from feedback.models import Communication
from tests.erasure import not_allowed, places_holding
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.feedback.communication.factories import CommunicationFactory, PlanRowFactory, approve

pytestmark = pytest.mark.django_db

NAME = "Zoë Ibáñez-Quennell"
EMAIL = "zoe.ibanez@mail.example"
PHONE = "+44 20 7946 0958"


def test_after_an_erasure_the_log_holds_nothing_of_the_person(
    client, django_capture_on_commit_callbacks
):
    manager = UserFactory(role=Role.QUALITY_MANAGER)
    acme = CustomerFactory(name="Acme")
    person = ContactFactory(customer=acme, name=NAME, email=EMAIL, phone=PHONE)
    colleague = ContactFactory(customer=acme, name="Bob Other")
    theirs = CommunicationFactory(
        customer=acme,
        contact=person,
        summary=f"Call with {NAME}",
        details=f"Reached her on {PHONE}; she asked us to write to {EMAIL}.",
        handled_by=manager,
    )
    theirs.summary = f"Call with {NAME} about the invoice"
    services.communication_change(
        communication=theirs, by=manager, reason=f"{NAME} corrected the subject"
    )
    other = CommunicationFactory(
        customer=acme,
        contact=colleague,
        summary="Call with Bob",
        details=f"Bob says {NAME} has left the company.",
        handled_by=manager,
    )
    PlanRowFactory(subject="Monthly call", notes=f"Ask for {NAME} first.", responsible=manager)
    approve(manager, f"Calls go to {NAME} from now on")
    assert {item.where.split(" ")[0] for item in places_holding(NAME, EMAIL, PHONE)} >= {
        "feedback.Communication.summary",
        "feedback.HistoricalCommunication.history_change_reason",
        "feedback.PlanVersionRow.notes",
        "feedback.PlanVersion.change_summary",
    }

    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:contact_erase", args=[person.pk]),
            {"requested_by": "The contact", "requested_on": date(2026, 11, 30), "confirm": "on"},
        )
    assert response.status_code == 302

    found = places_holding(NAME, EMAIL, PHONE)
    assert not_allowed(found) == []
    # The records stay, with who and when: only what named the person changed.
    theirs.refresh_from_db()
    other.refresh_from_db()
    assert theirs.summary == f"Call with Erased contact {person.pk} about the invoice"
    assert other.details == f"Bob says Erased contact {person.pk} has left the company."
    assert other.summary == "Call with Bob"
    assert Communication.objects.count() == 2
    assert theirs.history.count() == 2
