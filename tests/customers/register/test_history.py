"""The customer's History tab: every change to the customer and its contacts, the
imports that made them and the erasures, in one list, newest first."""

import re
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.history import history_entries
from core.services import record_void
from customers.models import Contact, Customer, ImportJob
from customers.register import selectors, services
from customers.register.imports import jobs
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def import_contacts(customer, by, lines):
    upload = SimpleUploadedFile(
        "team.csv", ("customer,name,email,role\n" + "".join(lines)).encode(), "text/csv"
    )
    job = jobs.import_start(kind="contacts", upload=upload, by=by)
    jobs.import_confirm(job=job, by=by)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error or job.preview
    return job


def history_tab(client, customer):
    response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    return response


def test_the_history_tab_shows_the_contacts_changes_imports_and_erasures_newest_first(
    signed_in, quality_manager
):
    with time_machine.travel("2026-02-28 09:00Z", tick=False):
        customer = CustomerFactory(name="Lakeside Clinic")
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        dana = services.contact_save(
            contact=Contact(customer=customer, name="Dana Scott", email="dana@lakeside.example"),
            by=quality_manager,
        )
    with time_machine.travel("2026-03-02 09:00Z", tick=False):
        dana.role = "Buyer"
        services.contact_save(contact=dana, by=quality_manager)
    with time_machine.travel("2026-03-03 09:00Z", tick=False):
        job = import_contacts(
            customer,
            quality_manager,
            [
                "Lakeside Clinic,Dana Scott,dana@lakeside.example,Head buyer\n",
                "Lakeside Clinic,Sam Lee,sam@lakeside.example,\n",
            ],
        )
    with time_machine.travel("2026-03-04 09:00Z", tick=False):
        services.contact_erase(
            contact=Contact.objects.get(email="sam@lakeside.example"),
            by=quality_manager,
            requested_by="Sam, by email to the DPO",
            requested_on=date(2026, 3, 4),
        )
    sam = Contact.objects.get(name__startswith="Erased contact")

    response = history_tab(signed_in, customer)

    entries = response.context["entries"]
    said = [
        (entry["when"].date().isoformat(), entry["record"], entry["kind"], entry["reason"])
        for entry in entries
    ]
    assert said == [
        ("2026-03-04", sam, "erased", ""),
        ("2026-03-03", dana, "changed", f"CSV import #{job.pk} (team.csv)"),
        ("2026-03-03", sam, "created", f"CSV import #{job.pk} (team.csv)"),
        ("2026-03-02", dana, "changed", ""),
        ("2026-03-01", dana, "created", ""),
        ("2026-02-28", customer, "created", ""),
    ]
    assert [entry.get("import") for entry in entries[1:3]] == [job, job]
    assert entries[1]["changes"] == [{"field": "role", "old": "Buyer", "new": "Head buyer"}]
    assert entries[3]["changes"] == [{"field": "role", "old": "—", "new": "Buyer"}]
    assert entries[0]["erasure"].requested_by == "Sam, by email to the DPO"
    page = response.content.decode()
    assert "Sam Lee" not in page  # the erased contact's rows are pseudonymised
    assert f'href="{job.get_absolute_url()}"' in page
    assert "Asked by Sam, by email to the DPO on 2026-03-04" in page


def test_an_import_of_the_other_kind_is_not_linked(quality_manager):
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        customer = CustomerFactory(name="Lakeside Clinic")
    with time_machine.travel("2026-03-03 09:00Z", tick=False):
        import_contacts(customer, quality_manager, ["Lakeside Clinic,Dana,dana@l.example,\n"])
    # A customers import that ran at the same time names no contact row.
    ImportJob.objects.filter(kind="contacts").update(kind="customers")

    entries = selectors.customer_history(customer)["entries"]

    assert entries[0]["reason"].startswith("CSV import #")
    assert entries[0].get("import") is None


def test_each_contact_change_is_compared_with_the_same_contacts_previous_row(quality_manager):
    customer = CustomerFactory()
    first, second = ContactFactory.create_batch(2, customer=customer, role="")
    for contact, role in ((first, "Buyer"), (second, "CEO"), (first, "Head buyer")):
        contact.refresh_from_db()
        contact.role = role
        services.contact_save(contact=contact, by=quality_manager)

    changes = [
        (entry["record"], entry["changes"])
        for entry in selectors.customer_history(customer)["entries"]
        if entry["kind"] == "changed"
    ]

    assert changes == [
        (first, [{"field": "role", "old": "Buyer", "new": "Head buyer"}]),
        (second, [{"field": "role", "old": "—", "new": "CEO"}]),
        (first, [{"field": "role", "old": "—", "new": "Buyer"}]),
    ]


def test_a_long_history_is_cut_at_the_limit_and_still_compares_each_row(quality_manager):
    customer = CustomerFactory()
    contacts = ContactFactory.create_batch(3, customer=customer, role="")
    for n in range(4):
        for contact in contacts:
            contact.role = f"Role {n}"
            services.contact_save(contact=contact, by=quality_manager)

    history = selectors.customer_history(customer, limit=5)

    assert history["cut"]
    # The previous rows of the last two were not among the rows read.
    assert [entry["changes"] for entry in history["entries"]] == [
        [{"field": "role", "old": "Role 2", "new": "Role 3"}]
    ] * 3 + [[{"field": "role", "old": "Role 1", "new": "Role 2"}]] * 2


def test_a_voided_contact_and_other_customers_contacts(quality_manager):
    customer = CustomerFactory()
    voided = ContactFactory(customer=customer)
    record_void(record=voided, by=quality_manager, reason="Entered twice")
    ContactFactory(customer=CustomerFactory())

    records = {entry["record"] for entry in selectors.customer_history(customer)["entries"]}

    assert records == {customer, voided}
    assert Customer.objects.count() == 2


def test_yes_no_and_times_read_as_a_person_writes_them(quality_manager):
    with time_machine.travel("2026-08-01 10:30Z", tick=False):
        contact = ContactFactory()
    with time_machine.travel("2026-08-12 10:30Z", tick=False):
        contact.opted_out = True
        services.contact_save(contact=contact, by=quality_manager)

    changes = history_entries(contact)[0]["changes"]

    assert {"field": "opted out", "old": "No", "new": "Yes"} in changes
    assert {"field": "opted out at", "old": "—", "new": "2026-08-12 10:30"} in changes


def test_the_history_tab_shows_25_changes_a_page_newest_first(client, quality_manager):
    """A customer with thousands of contacts has thousands of rows of history: the
    tab reads and shows a page of them, with links to the newer and older ones."""
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        customer = CustomerFactory(name="Lakeside Clinic")
    for n in range(30):
        with time_machine.travel(f"2026-03-02 09:{n:02}Z", tick=False):
            ContactFactory(customer=customer, name=f"Person {n:02}")
    client.force_login(quality_manager)

    first = client.get(customer.get_absolute_url(), {"tab": "history"})
    second = client.get(customer.get_absolute_url(), {"tab": "history", "page": "2"})
    past = client.get(customer.get_absolute_url(), {"tab": "history", "page": "9"})

    def shown(response):
        html = response.content.decode()
        return re.findall(
            r'<a href="/customers/[^"]+">([^<]+)</a>', html[html.index("history-heading") :]
        )

    assert shown(first)[:2] == ["Person 29", "Person 28"]
    assert len(shown(first)) == 25
    assert shown(second) == [*(f"Person {n:02}" for n in range(4, -1, -1)), "Lakeside Clinic"]
    assert 'href="?tab=history&amp;page=2" rel="next">Older changes' in first.content.decode()
    assert "Newer changes" not in first.content.decode()
    assert 'href="?tab=history&amp;page=1" rel="prev">Newer changes' in second.content.decode()
    assert "Older changes" not in second.content.decode()
    # An old link past the end shows the last page.
    assert shown(past) == shown(second)


def test_each_page_of_the_history_reads_only_the_contacts_it_names(quality_manager):
    customer = CustomerFactory()
    contacts = ContactFactory.create_batch(30, customer=customer)

    history = selectors.customer_history(customer, page=2)

    assert [entry["record"] for entry in history["entries"]] == [
        *reversed(contacts[:5]),
        customer,
    ]
    assert (history["newer"], history["older"]) == (1, None)
