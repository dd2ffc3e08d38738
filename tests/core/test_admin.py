"""The Django admin: locked records are read-only, private files link through their
view, and the pages keep to the Content Security Policy."""

import re
from datetime import date

import pytest
from django.core.files.base import ContentFile

from core.files import private_file_url
from core.services import record_void
from customers.models import Contact, Customer, ImportJob
from customers.register.services import contact_erase
from tests.factories import ContactFactory, CustomerFactory, UserFactory, WidgetFactory
from tests.testapp.models import Widget

pytestmark = pytest.mark.django_db

# An inline style attribute, or a <style> element without a nonce: the policy
# (style-src 'self') blocks both.
INLINE_STYLE = re.compile(r"""\sstyle\s*=|<style(?![^>]*\snonce=)""", re.IGNORECASE)


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def change_url(record):
    meta = record._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/change/"


def assert_read_only(response, message):
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert 'name="name"' not in html  # every field is shown, none is a form field
    assert message in html


def test_a_voided_customer_is_read_only_and_a_post_changes_nothing(client, superuser):
    customer = CustomerFactory(name="Acme")
    record_void(record=customer, by=superuser, reason="Entered twice")

    page = client.get(change_url(customer))
    posted = client.post(
        change_url(customer),
        {"name": "Renamed", "kind": "organisation", "status": "active", "country": "IN"},
    )

    assert_read_only(page, "This customer is voided and can no longer be changed.")
    assert "Acme" in page.content.decode()
    assert posted.status_code == 403
    assert Customer.objects.get(pk=customer.pk).name == "Acme"
    assert customer.history.count() == 2  # created, voided


def test_an_erased_contact_is_read_only_and_cannot_be_un_erased(client, superuser):
    contact = ContactFactory(name="Ann Smith", email="ann@acme.example")
    contact_erase(
        contact=contact, by=superuser, requested_by="The contact", requested_on=date(2026, 11, 30)
    )
    erased = Contact.objects.get(pk=contact.pk)

    page = client.get(change_url(contact))
    posted = client.post(
        change_url(contact),
        {
            "customer": contact.customer_id,
            "name": "Ann Smith",
            "email": "ann@acme.example",
            "language": "en",
        },
    )

    assert_read_only(
        page, "This contact&#x27;s personal data is erased; it can no longer be changed."
    )
    assert "ann@acme.example" not in page.content.decode()
    assert posted.status_code == 403
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.name, stored.email, stored.erased_at) == (
        erased.name,
        erased.email,
        erased.erased_at,
    )


def test_a_closed_record_is_read_only_and_an_open_one_still_saves(client, superuser):
    closed = WidgetFactory(name="Pump", status=Widget.Status.CLOSED)
    open_one = WidgetFactory(name="Valve")

    page = client.get(change_url(closed))
    refused = client.post(change_url(closed), {"name": "Pump 2", "status": "closed"})
    saved = client.post(change_url(open_one), {"name": "Valve 2", "status": "open"})

    assert_read_only(page, "This widget is closed and locked against edits: reopen it first.")
    assert refused.status_code == 403
    assert Widget.objects.get(pk=closed.pk).name == "Pump"
    assert saved.status_code == 302
    assert Widget.objects.get(pk=open_one.pk).name == "Valve 2"


def test_an_import_job_shows_its_file_with_a_link_through_the_download_view(
    client, superuser, media
):
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.CONTACTS,
        original_name="contacts.csv",
        created_by=superuser,
        file=ContentFile(b"name,email\n", name="contacts.csv"),
    )

    page = client.get(change_url(job))
    download = client.get(private_file_url(job, "file"))

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{private_file_url(job, "file")}"' in html
    assert f">{job.file.name.rsplit('/', 1)[-1]}</a>" in html
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"name,email\n"


def test_an_import_job_whose_file_is_gone_says_so_instead_of_linking(client, superuser, media):
    deleted = ImportJob.objects.create(
        kind=ImportJob.Kind.CONTACTS,
        original_name="old.csv",
        created_by=superuser,
        file=ContentFile(b"x\n", name="old.csv"),
    )
    (media / deleted.file.name).unlink()
    purged = ImportJob.objects.create(
        kind=ImportJob.Kind.CONTACTS, original_name="older.csv", created_by=superuser, file=""
    )

    missing = client.get(change_url(deleted))
    cleared = client.get(change_url(purged))

    assert missing.status_code == 200
    assert "/files/" not in missing.content.decode()
    assert "the file no longer exists" in missing.content.decode()
    assert cleared.status_code == 200
    assert "/files/" not in cleared.content.decode()
    assert "No file is kept" in cleared.content.decode()


def test_a_record_with_a_private_file_opens_in_the_admin(client, superuser, media):
    widget = WidgetFactory(name="Pump")
    widget.attachment.save("report.pdf", ContentFile(b"%PDF-1.4"), save=True)

    page = client.get(change_url(widget))
    saved = client.post(change_url(widget), {"name": "Pump 2", "status": "open"})

    assert page.status_code == 200
    assert f'href="{private_file_url(widget, "attachment")}"' in page.content.decode()
    assert saved.status_code == 302
    widget.refresh_from_db()
    assert (widget.name, bool(widget.attachment)) == ("Pump 2", True)


def test_the_history_pages_have_no_inline_style(client, superuser):
    customer = CustomerFactory(name="Acme")
    customer.name = "Acme Tools"
    customer.save()
    record_void(record=customer, by=superuser, reason="Entered twice")
    base = f"/admin/customers/customer/{customer.pk}"

    pages = {
        "history": client.get(f"{base}/history/"),
        "version": client.get(f"{base}/history/{customer.history.last().history_id}/"),
        "change": client.get(f"{base}/change/"),
        "list": client.get("/admin/customers/customer/"),
    }

    for name, page in pages.items():
        assert page.status_code == 200, name
        assert not INLINE_STYLE.findall(page.content.decode()), name
    assert "Acme Tools" in pages["history"].content.decode()
