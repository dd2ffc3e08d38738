from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.email import email_queue
from core.models import OutboundEmail
from customers.models import Contact, Customer, Erasure, SuppressedEmail, email_hash
from customers.register.imports import jobs as import_jobs
from customers.register.services import contact_erase, contact_save
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def erase(contact, by):
    return contact_erase(
        contact=contact,
        by=by,
        requested_by="The contact, by email",
        requested_on=date(2026, 11, 30),
    )


def test_erasure_pseudonymises_the_contact_and_its_history_and_keeps_the_record(quality_manager):
    contact = ContactFactory(name="Ann Smith", email="ann@acme.example", phone="+44 1", role="CEO")
    contact.name = "Ann B Smith"
    contact.save()

    erasure = erase(contact, quality_manager)

    contact.refresh_from_db()
    assert contact.is_erased
    assert contact.name == f"Erased contact {contact.pk}"
    assert contact.email == f"erased-{contact.pk}@erased.invalid"
    assert (contact.phone, contact.role, contact.consent, contact.opted_out) == (
        "",
        "",
        False,
        True,
    )
    names = set(Contact.history.filter(id=contact.pk).values_list("name", "email", "phone", "role"))
    assert names == {(contact.name, contact.email, "", "")}
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert (erasure.requested_by, erasure.performed_by) == (
        "The contact, by email",
        quality_manager,
    )
    assert SuppressedEmail.objects.filter(email_hash=email_hash("ANN@acme.example")).exists()


def test_erasure_reaches_the_email_log(quality_manager):
    contact = ContactFactory(email="ann@acme.example")
    email_queue(
        to="ann@acme.example",
        purpose="password_reset",
        template="password_reset",
        context={"user": quality_manager, "reset_url": "https://x/1"},
    )

    erase(contact, quality_manager)

    logged = OutboundEmail.objects.get()
    assert logged.recipient == f"erased-{contact.pk}@erased.invalid"
    assert (logged.body_text, logged.body_html) == ("", "")


def test_erasing_a_single_person_customer_erases_its_name_too(quality_manager):
    person = CustomerFactory(name="Rahul Verma", kind=Customer.Kind.PERSON)
    contact = ContactFactory(customer=person, name="Rahul Verma")

    erase(contact, quality_manager)

    person.refresh_from_db()
    assert person.name == f"Erased contact {contact.pk}"
    assert set(Customer.history.filter(id=person.pk).values_list("name", flat=True)) == {
        person.name
    }


def test_an_erased_person_is_not_brought_back_by_an_import(quality_manager, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    settings.MEDIA_ROOT = tmp_path
    contact = ContactFactory(customer=CustomerFactory(name="Acme"), email="ann@acme.example")
    erase(contact, quality_manager)
    upload = SimpleUploadedFile("c.csv", b"customer,name,email\nAcme,Ann,ann@acme.example\n")

    job = import_jobs.import_start(kind="contacts", upload=upload, by=quality_manager)

    assert job.preview["counts"]["skip"] == 1
    assert job.preview["counts"]["create"] == 0


def test_erasing_twice_or_without_saying_who_asked_is_refused(quality_manager):
    contact = ContactFactory()
    with pytest.raises(ValidationError, match="who asked"):
        contact_erase(
            contact=contact, by=quality_manager, requested_by=" ", requested_on=date(2026, 11, 30)
        )
    assert not Erasure.objects.exists()

    erase(contact, quality_manager)
    with pytest.raises(ValidationError, match="already erased"):
        erase(contact, quality_manager)
    assert Erasure.objects.count() == 1


def test_the_erase_page_needs_confirmation_and_the_permission(client, quality_manager):
    from core.roles import Role  # noqa: PLC0415
    from tests.factories import UserFactory  # noqa: PLC0415

    contact = ContactFactory(name="Ann Smith")
    url = reverse("customers:contact_erase", args=[contact.pk])
    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(url).status_code == 403

    client.force_login(quality_manager)
    unconfirmed = client.post(url, {"requested_by": "Ann", "requested_on": "2026-11-30"})
    assert unconfirmed.status_code == 200
    assert not Contact.objects.get(pk=contact.pk).is_erased
    client.post(url, {"requested_by": "Ann", "requested_on": "2026-11-30", "confirm": "on"})

    page = client.get(contact.get_absolute_url()).content.decode()
    assert "Ann Smith" not in page
    assert "Asked by Ann on 2026-11-30" in page


def test_an_erased_contact_refuses_edits_in_the_service_and_on_its_page(client, quality_manager):
    contact = ContactFactory(name="Ann Smith")
    erase(contact, quality_manager)
    contact = Contact.objects.get(pk=contact.pk)

    contact.name = "Ann Smith"
    with pytest.raises(ValidationError, match="personal data is erased"):
        contact_save(contact=contact, by=quality_manager)
    client.force_login(quality_manager)
    response = client.get(reverse("customers:contact_edit", args=[contact.pk]), follow=True)

    assert response.redirect_chain[-1][0] == contact.get_absolute_url()
    assert "personal data is erased" in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).name == f"Erased contact {contact.pk}"
