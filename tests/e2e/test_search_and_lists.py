"""The header search, filters that apply as they change, page numbers, tab addresses
and the phone layout, in a browser with the demo data."""

import re

import pytest
from django.core.management import call_command

from core.roles import Role
from customers.models import Change, Commitment, Customer, Need, Requirement
from tests.factories import ContactFactory, CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo():
    call_command("load_demo", force=True)


def test_the_header_search_finds_records_from_the_home_page(page, visit, login_as, demo):
    login_as(Role.AUDITOR)
    visit("/", name="home")
    search = page.get_by_role("search", name="All records")

    search.get_by_role("searchbox").fill("a")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=a")
    visit(name="hint")
    assert page.get_by_text("Type at least 2 characters to search.").is_visible()

    search.get_by_role("searchbox").fill("calibration")
    search.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search/?q=calibration")
    visit(name="results")
    for kind in ("Needs", "Requirements", "Commitments"):
        assert page.get_by_role("heading", name=re.compile(f"^{kind} \\d+ found$")).is_visible()
    assert search.get_by_role("searchbox").input_value() == "calibration"

    requirements = page.get_by_role("region", name=re.compile("^Requirements"))
    first = requirements.get_by_role("link").first
    title = first.inner_text()
    first.click()
    visit(name="requirement")
    assert page.get_by_role("heading", level=1).inner_text().startswith(title)


def test_a_filter_applies_as_it_changes_and_the_address_keeps_it(page, visit, login_as, demo):
    login_as(Role.QUALITY_MANAGER)
    visit("/customers/", name="customers")
    rows = page.locator("#list-results tbody tr")
    everyone = rows.count()

    page.get_by_label("Status", exact=True).select_option("active")
    page.wait_for_url("**/customers/?status=active")
    page.wait_for_load_state("networkidle")
    visit(name="active")
    active = Customer.objects.active().filter(status="active").count()
    assert rows.count() == min(active, 25) < everyone
    # The summary that folds the filters on a phone (hidden here) follows them.
    assert page.locator("#filters-in-use").text_content().strip() == "1 in use"

    page.get_by_label("Search", exact=True).press_sequentially("clinic")
    page.wait_for_url(re.compile(r"/customers/\?q=clinic&status=active$"))
    page.wait_for_load_state("networkidle")
    visit(name="active-clinic")
    names = rows.locator("td a").all_inner_texts()
    assert names
    assert all("clinic" in name.lower() for name in names)

    # The address can be shared: opened afresh, it shows the same list.
    page.reload()
    visit(name="reloaded")
    assert rows.locator("td a").all_inner_texts() == names
    assert page.get_by_label("Search", exact=True).input_value() == "clinic"

    visit("/customers/contacts/", name="contacts")
    assert page.get_by_role("navigation", name="Pages").is_visible()
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Page 2").click()
    visit(name="contacts-page-2")
    pages = page.get_by_role("navigation", name="Pages")
    assert pages.locator("[aria-current=page]").text_content().strip() == "Page 2"
    assert page.get_by_text(re.compile(r"^Page 2 of \d+ · \d+ records$")).is_visible()


def test_each_customer_tab_has_an_address_that_a_reload_keeps(page, visit, login_as, demo):
    login_as(Role.QUALITY_MANAGER)
    customer = Customer.objects.filter(kind="organisation", status="active").first()

    visit(f"{customer.get_absolute_url()}?tab=requirements", name="requirements-tab")
    tab = page.get_by_role("tab", name=re.compile("Requirements"))
    assert tab.get_attribute("aria-selected") == "true"
    assert page.get_by_role("tabpanel", name=re.compile("Requirements")).is_visible()

    page.get_by_role("tab", name=re.compile("Needs")).click()
    page.wait_for_url(re.compile(r"\?tab=needs$"))
    page.reload()
    visit(name="needs-after-reload")
    assert page.get_by_role("tab", name=re.compile("Needs")).get_attribute("aria-selected") == (
        "true"
    )
    assert page.get_by_role("tabpanel", name=re.compile("Needs")).is_visible()


def test_a_large_accounts_contacts_and_history_come_a_page_at_a_time(page, visit, login_as):
    customer = CustomerFactory(name="Large Account")
    for n in range(30):
        ContactFactory(customer=customer, name=f"Person {n:02}")
    login_as(Role.QUALITY_MANAGER)

    visit(customer.get_absolute_url(), name="contacts-page-1")
    contacts = page.get_by_role("tabpanel", name=re.compile("Contacts"))
    assert contacts.get_by_role("link", name="Person 24").is_visible()
    assert not contacts.get_by_role("link", name="Person 25").count()
    contacts.get_by_role("navigation", name="Pages of contacts").get_by_role(
        "link", name="Next page"
    ).click()
    page.wait_for_url(re.compile(r"\?tab=contacts&page=2$"))
    visit(name="contacts-page-2")
    contacts = page.get_by_role("tabpanel", name=re.compile("Contacts"))
    assert contacts.get_by_role("link", name="Person 29").is_visible()
    assert contacts.is_visible()

    page.get_by_role("tab", name="History").click()
    page.get_by_role("link", name="Older changes").click()
    page.wait_for_url(re.compile(r"\?tab=history&page=2$"))
    visit(name="history-page-2")
    history = page.get_by_role("tabpanel", name="History")
    assert history.get_by_role("link", name="Large Account").is_visible()
    assert history.get_by_role("link", name="Newer changes").is_visible()


def test_on_a_phone_the_list_comes_first_and_tables_scroll_sideways(page, visit, login_as, demo):
    login_as(Role.QUALITY_MANAGER)
    page.set_viewport_size(PHONE)
    customer = Customer.objects.filter(kind="organisation", status="active").first()

    visit("/customers/", name="phone-customers")
    filters = page.get_by_text("Filters and sorting")
    first_row = page.locator("#list-results tbody tr").first
    assert filters.is_visible()
    assert not page.get_by_label("Status", exact=True).is_visible()
    assert first_row.bounding_box()["y"] + first_row.bounding_box()["height"] < PHONE["height"]
    # The table scrolls in its own box; the page does not run off the screen.
    region = page.get_by_role("region", name="Customers matching the filters")
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    filters.click()
    assert page.get_by_label("Status", exact=True).is_visible()
    page.get_by_label("Status", exact=True).select_option("at_risk")
    page.wait_for_url("**/customers/?status=at_risk")
    page.wait_for_load_state("networkidle")
    visit(name="phone-filtered")
    assert page.get_by_text("1 in use").is_visible()

    commitment = Commitment.objects.filter(status="made").first()
    requirement = Requirement.objects.filter(versions__number=2).first()
    for path, name in [
        (f"{customer.get_absolute_url()}?tab=history", "phone-customer-history"),
        (customer.contacts.first().get_absolute_url(), "phone-contact"),
        ("/search/?q=apollo", "phone-search"),
        ("/customers/requirements/", "phone-requirements"),
        (requirement.get_absolute_url(), "phone-requirement"),
        (commitment.get_absolute_url(), "phone-commitment"),
        (Change.objects.first().get_absolute_url(), "phone-change"),
        (Need.objects.first().get_absolute_url(), "phone-need"),
        ("/customers/changes/", "phone-changes"),
    ]:
        visit(path, name=name)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
