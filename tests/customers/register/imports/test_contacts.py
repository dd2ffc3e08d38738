"""Checking a file of contacts: errors by row, updates not doubles, the suppression
list, and Django's own email rules."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse

from customers.models import Contact, ImportJob, SuppressedEmail, email_hash
from customers.register import services
from customers.register.imports import plan as plan_module
from customers.register.imports import reading
from tests.customers.register.conftest import CONTACT_HEADER, upload
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_file_with_any_error_imports_nothing_and_lists_the_errors_by_row(signed_in):
    CustomerFactory(name="Bharat Textiles")
    csv_text = CONTACT_HEADER + (
        "Bharat Textiles,Priya Nair,priya@bharat.example,,en,yes,2026-03-01,no\n"
        "Bharat Textiles,No Email,not-an-email,,en,no,,no\n"
        "Nobody Inc,Sam,sam@nobody.example,,en,no,,no\n"
        "Bharat Textiles,Twice,PRIYA@bharat.example,,fr,maybe,,no\n"
    )

    _, job = upload(signed_in, csv_text)
    response = signed_in.post(reverse("customers:import_confirm", args=[job.pk]), follow=True)

    problems = {(e["row"], e["column"]) for e in job.preview["errors"]}
    assert {(3, "email"), (4, "customer"), (5, "language"), (5, "consent")} <= problems
    assert Contact.objects.count() == 0
    assert "nothing will be imported" in signed_in.get(job.get_absolute_url()).content.decode()
    assert "The file has errors" in response.content.decode()


def test_a_contact_duplicated_within_the_file_is_an_error(signed_in):
    CustomerFactory(name="Bharat Textiles")
    csv_text = CONTACT_HEADER + (
        "Bharat Textiles,Priya,priya@bharat.example,,en,no,,no\n"
        "Bharat Textiles,Priya again,Priya@Bharat.example,,en,no,,no\n"
    )

    _, job = upload(signed_in, csv_text)

    assert job.preview["errors"] == [
        {
            "row": 3,
            "column": "email",
            "message": "The same customer and email are on row 2 already.",
        }
    ]


def test_an_existing_contact_is_updated_not_doubled(signed_in):
    contact = ContactFactory(
        customer=CustomerFactory(name="Bharat Textiles"),
        email="priya@bharat.example",
        name="P Nair",
    )
    csv_text = (
        CONTACT_HEADER + "Bharat Textiles,Priya Nair,PRIYA@bharat.example,,hi,yes,2026-03-01,no\n"
    )

    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    assert job.preview["counts"]["update"] == 1
    assert Contact.objects.count() == 1
    contact.refresh_from_db()
    assert (contact.name, contact.language) == ("Priya Nair", "hi")
    assert contact.history.first().history_change_reason == f"CSV import #{job.pk} (contacts.csv)"


def test_an_unchanged_row_writes_no_history(signed_in):
    contact = ContactFactory(
        customer=CustomerFactory(name="Acme"), email="a@acme.example", name="Al"
    )
    csv_text = CONTACT_HEADER + "Acme,Al,a@acme.example,,en,yes,2026-01-15,no\n"

    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    assert job.preview["counts"]["unchanged"] == 1
    assert contact.history.count() == 1


def test_an_email_on_the_suppression_list_is_skipped_with_the_reason(signed_in):
    CustomerFactory(name="Acme")
    SuppressedEmail.objects.create(email_hash=email_hash("gone@acme.example"), reason="erased")
    csv_text = (
        CONTACT_HEADER
        + "Acme,Gone,Gone@acme.example,,en,no,,no\nAcme,Here,here@acme.example,,en,no,,no\n"
    )

    _, job = upload(signed_in, csv_text)
    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert "suppression list" in page
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    # The list keeps a hash of the address, and the preview no more than a masked form.
    assert job.preview["skipped"] == [
        {
            "row": 2,
            "email": "g…@a….example",
            "reason": "on the suppression list (erased or unsubscribed)",
        }
    ]
    assert "g…@a….example" in page
    assert "gone@acme.example" not in page.lower()
    assert list(Contact.objects.values_list("email", flat=True)) == ["here@acme.example"]


def test_html_in_a_text_field_is_stored_as_text_and_escaped_on_the_page(signed_in):
    CustomerFactory(name="Acme")
    csv_text = CONTACT_HEADER + "Acme,<script>alert(1)</script>,x@acme.example,,en,no,,no\n"

    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    contact = Contact.objects.get()
    assert contact.name == "<script>alert(1)</script>"
    page = signed_in.get(contact.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "value",
    [
        "priya@bharat.example",
        "first.last+tag@sub.example.co.in",
        '"quoted name"@example.com',
        "user@[192.168.0.1]",
        "user@localhost",
        "user@xn--bcher-kva.example",
        "",
        "no-at-sign.example",
        "two@@example.com",
        "user@-bad-.example",
        "user@example..com",
        "user@.example.com",
        "a" * 310 + "@example.com",
        "user@" + "a" * 64 + ".example",
        "user name@example.com",
        "user@exa mple.com",
        "user@example.c",
    ],
)
def test_the_import_checks_emails_exactly_as_django_does(value):
    try:
        validate_email(value)
        expected = True
    except ValidationError:
        expected = False

    assert reading.email_ok(value) is expected


def test_a_value_over_a_columns_limit_is_an_error_saying_the_limit_never_cut(signed_in):
    CustomerFactory(name="Bharat Textiles")
    role = "Head of" + " procurement" * 9  # 115 characters
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".example"
    csv_text = (
        "customer,name,email,phone,role\n"
        f"Bharat Textiles,Priya Nair,priya@bharat.example,,{role}\n"
        f"Bharat Textiles,{'N' * 151},n@bharat.example,,\n"
        f"Bharat Textiles,Long Mail,{email},,\n"
        f"Bharat Textiles,Long Phone,phone@bharat.example,{'1' * 41},\n"
    )

    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    errors = {(e["row"], e["column"]): e["message"] for e in job.preview["errors"]}
    assert errors == {
        (2, "role"): "At most 100 characters are allowed; this has 115.",
        (3, "name"): "At most 150 characters are allowed; this has 151.",
        (4, "email"): f"At most 254 characters are allowed; this has {len(email)}.",
        (5, "phone"): "At most 40 characters are allowed; this has 41.",
    }
    assert not Contact.objects.exists()


def test_an_update_shows_in_the_preview_each_field_it_changes_old_and_new(signed_in):
    ContactFactory(
        customer=CustomerFactory(name="Bharat Textiles"),
        email="priya@bharat.example",
        name="P Nair",
        phone="+91 22 5555 0100",
        language="en",
        consent=False,
        consent_on=None,
        consent_source="",
    )
    csv_text = CONTACT_HEADER + (
        "Bharat Textiles,Priya Nair,priya@bharat.example,+91 22 5555 0100,hi,yes,2026-03-01,no\n"
        "Bharat Textiles,Ravi Rao,ravi@bharat.example,,en,no,,no\n"
    )

    _, job = upload(signed_in, csv_text)

    (change,) = job.preview["changes"]
    assert (change["row"], change["name"], change["email"]) == (
        2,
        "P Nair",
        "priya@bharat.example",
    )
    assert change["fields"] == [
        {"column": "name", "old": "P Nair", "new": "Priya Nair"},
        {"column": "language", "old": "English", "new": "Hindi"},
        {"column": "consent", "old": "no", "new": "yes"},
        {"column": "consent_on", "old": "", "new": "2026-03-01"},
        {"column": "consent_source", "old": "", "new": "Imported list"},
    ]
    assert job.preview["more_changes"] == 0
    page = signed_in.get(job.get_absolute_url()).content.decode()
    table = page.split('id="import-changes"')[1].split("</table>")[0]
    assert "What the updates change" in table
    assert '<td class="text-break">English</td>' in table
    assert '<td class="text-break">Hindi</td>' in table
    assert "phone" not in table


def test_the_preview_shows_the_first_updates_field_by_field_and_counts_the_rest(
    signed_in, monkeypatch
):
    monkeypatch.setattr(plan_module, "MAX_CHANGES", 2)
    acme = CustomerFactory(name="Acme")
    for n in range(4):
        ContactFactory(customer=acme, email=f"p{n}@acme.example", name=f"Old {n}")
    rows = "".join(f"Acme,New {n},p{n}@acme.example\n" for n in range(4))

    _, job = upload(signed_in, "customer,name,email\n" + rows)

    assert [change["row"] for change in job.preview["changes"]] == [2, 3]
    assert job.preview["more_changes"] == 2
    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert "the first rows; 2 more rows are updated" in page


# Conflicts the database would refuse: the check finds them first ------------------


def erase(contact, by):
    services.contact_erase(
        contact=contact, by=by, requested_by="the contact, by email", requested_on=date(2026, 3, 1)
    )
    contact.refresh_from_db()
    return contact


def test_an_erased_contacts_row_exported_and_imported_back_is_unchanged(signed_in):
    acme = CustomerFactory(name="Acme")
    erased = erase(ContactFactory(customer=acme, email="ann@acme.example"), by=UserFactory())
    exported = b"".join(signed_in.get(reverse("customers:export_contacts")).streaming_content)

    _, job = upload(signed_in, exported.decode("utf-8-sig"))
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.preview["counts"]["unchanged"] == 1
    assert (job.state, job.result) == (ImportJob.State.DONE, {"created": 0, "updated": 0})
    assert list(Contact.objects.values_list("pk", flat=True)) == [erased.pk]


def test_a_row_that_would_change_an_erased_contact_is_an_error_not_a_database_error(
    signed_in,
):
    acme = CustomerFactory(name="Acme")
    erased = erase(ContactFactory(customer=acme, email="ann@acme.example"), by=UserFactory())

    _, job = upload(signed_in, f"customer,name,email\nAcme,Ann Again,{erased.email.upper()}\n")
    response = signed_in.post(reverse("customers:import_confirm", args=[job.pk]), follow=True)

    assert job.preview["errors"] == [
        {
            "row": 2,
            "column": "email",
            "message": "This contact's personal data is erased; it can no longer be changed.",
        }
    ]
    assert "UNIQUE" not in response.content.decode()
    assert Contact.objects.count() == 1


def test_a_customer_whose_name_has_capital_accented_letters_is_found_in_any_case(signed_in):
    CustomerFactory(name="Ünal Ölçüm AŞ")

    _, job = upload(signed_in, "customer,name,email\nünal ölçüm aş,Ece,ece@unal.example\n")

    assert job.preview["errors"] == []
    assert job.preview["counts"]["create"] == 1


def test_a_consent_date_without_the_consent_column_never_breaks_the_consent_rule(signed_in):
    contact = ContactFactory(
        customer=CustomerFactory(name="Acme"),
        email="ann@acme.example",
        consent=True,
        consent_on=date(2026, 1, 15),
        consent_source="form",
    )
    csv_text = (
        "customer,name,email,consent_on,consent_source\n"
        f"Acme,{contact.name},ann@acme.example,2026-02-01,\n"
    )

    _, job = upload(signed_in, csv_text)
    signed_in.post(reverse("customers:import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    contact.refresh_from_db()
    assert (contact.consent, contact.consent_on, contact.consent_source) == (
        True,
        date(2026, 2, 1),
        "import",
    )


def test_an_empty_consent_date_for_a_consenting_contact_is_an_error(signed_in):
    contact = ContactFactory(customer=CustomerFactory(name="Acme"), email="ann@acme.example")

    _, job = upload(
        signed_in, f"customer,name,email,consent_on\nAcme,{contact.name},ann@acme.example,\n"
    )

    assert job.preview["errors"] == [
        {"row": 2, "column": "consent_on", "message": "Consent needs the date it was given."}
    ]


# Values the forms refuse ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("Ann\x00", "name", "A NUL character"),
        ("Buyer\x00", "role", "A NUL character"),
        ("\\N", "role", "“\\N”"),
        ("ann\x00@acme.example", "email", "A NUL character"),
    ],
    ids=["nul-name", "nul-role", "null-marker", "nul-email"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_cell_the_database_cannot_store_is_an_error_by_row_and_column(
    signed_in, cell, column, message, encoding
):
    CustomerFactory(name="Acme")
    values = {"customer": "Acme", "name": "Ann", "email": "ann@acme.example", "role": "Buyer"}
    values[column] = cell
    csv_text = "customer,name,email,role\n" + ",".join(values.values()) + "\n"

    _, job = upload(signed_in, csv_text, encoding=encoding, choose=encoding)

    assert job.state == ImportJob.State.CHECKED
    ((row, where, said),) = [(e["row"], e["column"], e["message"]) for e in job.preview["errors"]]
    assert (row, where) == (2, column)
    assert message in said
    assert not Contact.objects.exists()
