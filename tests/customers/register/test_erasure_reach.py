"""An erasure reaches every place that holds the person: searched for in every table
and every stored file after the erasure, their names and addresses are nowhere."""

from datetime import date
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.db.models import Model
from django.urls import reverse

from core.email import email_queue
from core.models import OutboundEmail
from core.roles import Role
from customers.models import Contact, Customer, ImportJob, SuppressedEmail, email_hash
from surveys.campaigns.models import Invitation
from surveys.responses.models import Answer
from tests.customers.register.conftest import upload
from tests.erasure import not_allowed, places_holding
from tests.factories import CustomerFactory, UserFactory
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import nps_version

pytestmark = pytest.mark.django_db

# As first imported, then as the admin corrected it.
NAME_BEFORE = "Zoe Ibanez"
NAME = "Zoë Ibáñez-Quennell"
EMAIL_BEFORE = "zibanez@old-mail.example"
EMAIL = "zoe.ibanez@mail.example"
PHONE = "+44 20 7946 0958"
HEADER = "customer,name,email,phone,role,language,consent,consent_on,opted_out\n"


def admin_change(client: Any, record: Model, **changes: Any) -> None:
    """Change a record through the Django admin's change page, as a superuser would."""
    meta = record._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = changes.get(name, form.initial.get(name))
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    response = client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_after_an_erasure_no_table_and_no_stored_file_holds_the_person(
    client, django_capture_on_commit_callbacks
):
    manager = UserFactory(role=Role.QUALITY_MANAGER)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    person = CustomerFactory(name=NAME, kind=Customer.Kind.PERSON)
    CustomerFactory(name="Acme")
    # Imported, checked and confirmed, beside someone who stays.
    client.force_login(manager)
    _, imported = upload(
        client,
        HEADER
        + f"{NAME},{NAME_BEFORE},{EMAIL_BEFORE},{PHONE},Buyer,en,yes,2026-01-15,no\n"
        + "Acme,Bob Other,bob@acme.example,,Engineer,en,no,,no\n",
    )
    client.post(reverse("customers:import_confirm", args=[imported.pk]))
    contact = Contact.objects.get(email=EMAIL_BEFORE)
    # The admin corrects the name and address, and the customer's notes.
    client.force_login(superuser)
    admin_change(client, contact, name=NAME, email=EMAIL)
    admin_change(client, person, notes=f"Met {NAME} at the fair.")
    # Checked, not confirmed: it would change her role.
    client.force_login(manager)
    _, checked = upload(
        client, HEADER + f"{NAME},{NAME},{EMAIL},{PHONE},Head of buying,en,yes,2026-01-15,no\n"
    )
    email_queue(
        to=EMAIL,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": NAME, "widget": {"name": f"for {NAME}"}, "link": "x"},
    )
    email_queue(
        to=manager.email,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": manager.full_name, "widget": {"name": NAME}, "link": "x"},
    )
    # A survey sent by hand from her page, answered with text that names her.
    version = nps_version()
    client.post(reverse("surveys:invitation_send", args=[contact.pk]), {"version": version.pk})
    respond(
        Invitation.objects.get(contact=contact),
        score=3,
        text=f"Call {NAME} on {PHONE} or write to {EMAIL}: Quennell knows the order.",
    )
    before = places_holding(NAME_BEFORE, NAME, EMAIL_BEFORE, EMAIL, PHONE)
    assert {
        "customers.HistoricalContact.name",
        "admin.LogEntry.object_repr",
        "surveys.Answer.text",
    } <= {item.where.split(" ")[0] for item in before}
    assert any(item.where.startswith("file imports/") for item in before)
    assert any(item.where.startswith("customers.ImportJob.preview") for item in before)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("customers:contact_erase", args=[contact.pk]),
            {
                "requested_by": "The contact, by email",
                "requested_on": "2026-11-30",
                "confirm": "on",
            },
        )

    found = places_holding(NAME_BEFORE, NAME, EMAIL_BEFORE, EMAIL, PHONE, email_hash(EMAIL))
    assert not_allowed(found) == []
    assert {item.where.split(" ")[0] for item in found} == {"customers.SuppressedEmail.email_hash"}
    # The records and figures stay; so does everyone else.
    assert Contact.objects.get(pk=contact.pk).is_erased
    assert Contact.objects.get(email="bob@acme.example").name == "Bob Other"
    assert SuppressedEmail.objects.in_force().filter(email_hash=email_hash(EMAIL)).exists()
    assert OutboundEmail.objects.count() == 3
    assert Answer.objects.filter(response__contact=contact, score=3).exists()
    assert LogEntry.objects.count() == 2
    for job in (imported, checked):
        job.refresh_from_db()
        assert job.file_deletion == ImportJob.FileDeletion.ERASURE
        assert job.file_deleted_at is not None
    assert imported.result == {"created": 2, "updated": 0}
    assert checked.preview["counts"]["update"] == 1
