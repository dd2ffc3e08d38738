"""Browser tests of bulk changes on the lists and of the customer's merged history."""

from datetime import date

import pytest

from core.roles import Role
from customers.models import Contact, Customer
from customers.register import services
from tests.factories import ContactFactory, CustomerFactory, SegmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def segments_shown(page, name):
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    return row.get_by_role("cell").nth(3).inner_text()


def test_a_quality_manager_adds_two_customers_to_a_segment_through_the_confirmation(
    page, visit, login_as
):
    SegmentFactory(name="Healthcare")
    for name in ("Acme Tools", "Bolt Works", "Crane Hire"):
        CustomerFactory(name=name)
    login_as(Role.QUALITY_MANAGER)

    visit("/customers/", name="list")
    page.get_by_label("Select Acme Tools").check()
    page.get_by_label("Select Crane Hire").check()
    assert page.get_by_text("(2 selected)").is_visible()
    page.get_by_label("Add to the segment").select_option(label="Healthcare")
    page.get_by_label("Why (kept in the history)").fill("Hospital suppliers")
    page.get_by_role("button", name="Check the change").click()

    visit(name="confirmation")
    assert page.get_by_text("Add them to the segment “Healthcare”.").is_visible()
    assert page.get_by_text("You ticked 2 records.").is_visible()
    assert Customer.history.filter(history_change_reason__startswith="Bulk").count() == 0
    page.get_by_role("button", name="Change 2 records").click()

    visit(name="changed")
    assert page.get_by_text("Changed: 2.").is_visible()
    assert segments_shown(page, "Acme Tools") == "Healthcare"
    assert segments_shown(page, "Crane Hire") == "Healthcare"
    assert segments_shown(page, "Bolt Works") == "—"


def test_refusals_and_the_merged_history_pass_the_checks(page, visit, login_as):
    lead = CustomerFactory(name="New Lead", status="prospect")
    CustomerFactory(name="Acme Tools", status="active")
    user = login_as(Role.QUALITY_MANAGER)
    contact = ContactFactory(customer=lead, name="Sam Lee", role="")
    contact.role = "Buyer"
    services.contact_save(contact=contact, by=user)
    services.contact_erase(
        contact=contact, by=user, requested_by="Sam, by email", requested_on=date(2026, 3, 4)
    )
    ContactFactory(customer=lead, name="Dana Scott")

    visit("/customers/", name="list")
    page.get_by_label("All that match the filters").check()
    page.get_by_label("Move the status to").select_option(label="At risk")
    page.get_by_role("button", name="Check the change").click()
    visit(name="refused")
    assert page.get_by_text("A record that is prospect cannot be made at risk.").is_visible()
    page.get_by_role("button", name="Leave out the 1 that cannot, and change 1 record").click()
    visit(name="left-out")
    assert page.get_by_text("Changed: 1. Left out, as asked: 1.").is_visible()

    visit("/customers/contacts/", name="contacts")
    page.get_by_label("Select Dana Scott").check()
    page.get_by_role("button", name="Check the change").click()
    visit(name="contacts-nothing-chosen")
    assert page.get_by_text("Choose what to change").is_visible()
    page.get_by_label("Mark them opted out of surveys").check()
    page.get_by_role("button", name="Check the change").click()
    visit(name="contacts-confirmation")
    page.get_by_role("button", name="Change 1 record").click()
    visit(name="contacts-changed")
    assert Contact.objects.get(name="Dana Scott").opted_out

    page.goto(lead.get_absolute_url())
    page.get_by_role("tab", name="History").click()
    visit(name="customer-history")
    history = page.get_by_role("tabpanel", name="History")
    assert history.get_by_text("Personal data erased").is_visible()
    assert history.get_by_text("Bulk change").first.is_visible()
    assert history.get_by_role("link", name="Dana Scott").first.is_visible()
    assert history.get_by_text("Sam Lee").count() == 0
