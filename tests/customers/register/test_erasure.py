from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.email import email_queue
from core.models import OutboundEmail
from core.roles import Role
from customers.models import Contact, Customer, Erasure, SuppressedEmail, email_hash
from customers.register.imports import jobs as import_jobs
from customers.register.services import contact_erase, contact_save, suppression_lift
from tests.factories import ContactFactory, CustomerFactory, UserFactory

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


# The suppression list stops the contact form too; a quality manager lifts it --------


def contact_form(customer, **changes):
    return {
        "name": "Ann Smith",
        "email": "ann@acme.example",
        "language": "en",
        **changes,
    }


def test_the_contact_form_refuses_an_erased_persons_address_and_says_why(client, quality_manager):
    customer = CustomerFactory(name="Acme")
    erase(ContactFactory(customer=customer, email="ann@acme.example"), quality_manager)
    client.force_login(quality_manager)
    url = reverse("customers:contact_create", args=[customer.pk])

    response = client.post(url, contact_form(customer, email="ANN@acme.example "))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This address is on the suppression list: the person&#x27;s data was erased" in page
    assert f'href="{reverse("customers:suppression_lift")}?next={url}"' in page
    assert not Contact.objects.filter(email="ann@acme.example").exists()


def test_the_contact_service_refuses_a_suppressed_address_too(quality_manager):
    customer = CustomerFactory()
    erase(ContactFactory(customer=customer, email="ann@acme.example"), quality_manager)

    with pytest.raises(ValidationError, match="suppression list"):
        contact_save(
            contact=Contact(customer=customer, name="Ann", email="ann@acme.example"),
            by=quality_manager,
        )
    existing = ContactFactory(customer=customer, email="other@acme.example")
    existing.email = "ann@acme.example"
    with pytest.raises(ValidationError, match="suppression list"):
        contact_save(contact=existing, by=quality_manager)

    assert not Contact.objects.filter(email="ann@acme.example").exists()


def test_a_contact_whose_own_address_is_suppressed_can_still_be_edited(client, quality_manager):
    contact = ContactFactory(email="ann@acme.example", name="Ann Smith", consent=False)
    SuppressedEmail.objects.create(
        email_hash=email_hash("ann@acme.example"), reason=SuppressedEmail.Reason.UNSUBSCRIBED
    )
    contact.role = "Buyer"

    saved = contact_save(contact=contact, by=quality_manager)

    assert Contact.objects.get(pk=saved.pk).role == "Buyer"


def test_a_quality_manager_lifts_a_suppression_with_a_reason_which_is_recorded(
    client, quality_manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    customer = CustomerFactory(name="Acme")
    erase(ContactFactory(customer=customer, email="ann@acme.example"), quality_manager)
    client.force_login(quality_manager)
    create = reverse("customers:contact_create", args=[customer.pk])
    lift = reverse("customers:suppression_lift")

    unconfirmed = client.post(lift, {"email": "ann@acme.example", "reason": "Asked again"})
    no_reason = client.post(lift, {"email": "ann@acme.example", "reason": " ", "confirm": "on"})
    unknown = client.post(
        lift, {"email": "bob@acme.example", "reason": "Asked again", "confirm": "on"}
    )
    assert unconfirmed.status_code == no_reason.status_code == unknown.status_code == 200
    assert "This address is not on the suppression list." in unknown.content.decode()
    assert SuppressedEmail.objects.in_force().count() == 1

    reason = "Ann emailed privacy@ on 2026-12-01 asking to hear from us again."
    done = client.post(
        f"{lift}?next={create}",
        {"email": "Ann@Acme.example", "reason": reason, "confirm": "on"},
        follow=True,
    )

    assert done.redirect_chain[-1][0] == create
    assert "The suppression is lifted" in done.content.decode()
    entry = SuppressedEmail.objects.get()
    assert (entry.lifted_by, entry.lift_reason) == (quality_manager, reason)
    assert entry.lifted_at is not None
    assert entry.email_hash == email_hash("ann@acme.example")
    assert client.post(create, contact_form(customer)).status_code == 302
    upload = SimpleUploadedFile("c.csv", b"customer,name,email\nAcme,Ann,ann@acme.example\n")
    job = import_jobs.import_start(kind="contacts", upload=upload, by=quality_manager)
    assert job.preview["counts"]["skip"] == 0
    page = client.get(lift).content.decode()
    assert reason in page
    assert "ann@acme.example" not in page.lower()


def test_an_address_lifted_and_erased_again_is_suppressed_again(quality_manager):
    first = ContactFactory(email="ann@acme.example")
    erase(first, quality_manager)
    suppression_lift(email="ann@acme.example", by=quality_manager, reason="Asked again")
    second = ContactFactory(customer=first.customer, email="ann@acme.example")

    erase(second, quality_manager)

    assert SuppressedEmail.objects.count() == 2
    assert SuppressedEmail.objects.in_force().get().email_hash == email_hash("ann@acme.example")


@pytest.mark.parametrize("role", [Role.STAFF, Role.TOP_MANAGEMENT, Role.AUDITOR])
def test_only_quality_managers_lift_a_suppression(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get(reverse("customers:suppression_lift")).status_code == 403


# Mentions elsewhere: the admin's log, other emails, earlier names and addresses -----


def test_erasure_reaches_the_admin_log_of_actions(quality_manager):
    from django.contrib.admin.models import CHANGE, LogEntry  # noqa: PLC0415
    from django.contrib.contenttypes.models import ContentType  # noqa: PLC0415

    acme = CustomerFactory(name="Acme")
    contact = ContactFactory(customer=acme, name="Zoë Ibáñez", email="zoe@acme.example")

    def logged(record, repr_, message):
        return LogEntry.objects.create(
            user=quality_manager,
            content_type=ContentType.objects.get_for_model(record),
            object_id=str(record.pk),
            object_repr=repr_,
            action_flag=CHANGE,
            change_message=message,
        )

    own = logged(contact, "Zoe Ibanez", '[{"changed": {"fields": ["Name"]}}]')
    # Django writes change messages as JSON, letters beyond ASCII escaped; an inline
    # names the contact.
    inline = logged(
        acme,
        "Acme",
        '[{"changed": {"name": "contact", "object": "Zo\\u00eb Ib\\u00e1\\u00f1ez", '
        '"fields": ["Role"]}}]',
    )
    other = logged(acme, "Acme", '[{"changed": {"fields": ["Notes"]}}]')
    contact.name = "Zoe Ibanez"  # an earlier name, in the history
    contact.save()
    contact.name = "Zoë Ibáñez"
    contact.save()

    erase(contact, quality_manager)

    own.refresh_from_db()
    inline.refresh_from_db()
    assert own.object_repr == f"Erased contact {contact.pk}"
    assert inline.get_change_message() == f"Changed Role for contact “Erased contact {contact.pk}”."
    assert LogEntry.objects.get(pk=other.pk).change_message == other.change_message


def test_erasure_reaches_every_address_the_person_had_and_emails_that_name_them(
    quality_manager,
):
    contact = ContactFactory(name="Ann Smith", email="ann.old@acme.example")
    contact.email = "ann@acme.example"
    contact.save()
    to_old = email_queue(
        to="ann.old@acme.example",
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "Ann", "widget": {"name": "for Ann Smith"}, "link": "x"},
    )
    about = email_queue(
        to=quality_manager.email,
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "Sam", "widget": {"name": "of Ann Smith (ann@acme.example)"}, "link": "x"},
    )

    erase(contact, quality_manager)

    to_old.refresh_from_db()
    about.refresh_from_db()
    assert to_old.recipient == f"erased-{contact.pk}@erased.invalid"
    assert to_old.subject == f"Widget for Erased contact {contact.pk} needs a look"
    assert about.recipient == quality_manager.email
    assert about.subject == (
        f"Widget of Erased contact {contact.pk} (erased-{contact.pk}@erased.invalid) needs a look"
    )
    assert "Ann Smith" not in about.body_text + about.body_html
    assert "Hello Sam" in about.body_text


def test_erasure_scrubs_reasons_people_wrote_about_a_single_person_customer(quality_manager):
    from customers.register.services import contacts_bulk_update  # noqa: PLC0415

    person = CustomerFactory(
        name="Rahul Verma",
        kind=Customer.Kind.PERSON,
        status=Customer.Status.LOST,
        lost_on=date(2026, 10, 1),
        lost_reason="Rahul Verma moved to a competitor.",
    )
    contact = ContactFactory(customer=person, name="Rahul Verma", email="rahul@mail.example")
    contacts_bulk_update(
        contacts=Contact.objects.filter(pk=contact.pk),
        by=quality_manager,
        opt_out=True,
        reason="Rahul Verma asked by phone",
    )

    erase(contact, quality_manager)

    erased = f"Erased contact {contact.pk}"
    assert Customer.objects.get(pk=person.pk).lost_reason == f"{erased} moved to a competitor."
    assert set(Customer.history.filter(id=person.pk).values_list("lost_reason", flat=True)) == {
        f"{erased} moved to a competitor."
    }
    assert f"Bulk change: {erased} asked by phone" in set(
        Contact.history.filter(id=contact.pk).values_list("history_change_reason", flat=True)
    )
