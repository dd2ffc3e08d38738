"""Choosers in a browser: by keyboard with the suggestions open (axe and the HTML
checker run on the page then), in a list filter and in a form, and without JavaScript."""

import re

import pytest
from django.urls import reverse

from core.roles import Role
from customers.models import Need, Requirement
from tests.e2e.conftest import choose
from tests.factories import (
    TEST_PASSWORD,
    CustomerFactory,
    ProductServiceFactory,
    RequirementFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_filter_chooses_a_customer_by_keyboard_and_the_list_follows(page, visit, login_as):
    apollo = CustomerFactory(name="Apollo Diagnostics")
    CustomerFactory(name="Apollo Rail")
    RequirementFactory(customer=apollo, title="Certificates on the day")
    RequirementFactory(title="Monthly reports for everyone")
    login_as(Role.QUALITY_MANAGER)
    visit(reverse("customers:requirement_list"), name="list")

    field = page.get_by_label("Customer", exact=True)
    field.press_sequentially("apollo", delay=20)
    options = page.get_by_role("listbox", name="Suggested customers").get_by_role("option")
    options.first.wait_for()
    assert options.count() == 2
    # Typing asks for suggestions only: the list follows a choice, not each key.
    page.wait_for_timeout(600)
    assert "customer=" not in page.url
    assert field.get_attribute("aria-expanded") == "true"
    visit(name="suggestions-open")
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    field.press("Escape")
    assert field.get_attribute("aria-expanded") == "false"

    choose(page, "Customer", "diag", "Apollo Diagnostics")
    page.wait_for_url(re.compile(r"customer=Apollo"))
    results = page.locator("#list-results")
    results.get_by_text("Certificates on the day").wait_for()
    assert "Monthly reports for everyone" not in results.inner_text()
    assert field.input_value() == f"Apollo Diagnostics (#{apollo.pk})"
    visit(name="filtered")


def test_a_need_takes_a_customer_and_requirements_chosen_by_keyboard(page, visit, login_as):
    customer = CustomerFactory(name="Kerala Water Board")
    product = ProductServiceFactory(name="Pump testing")
    kept = RequirementFactory(product=product, title="Test run report with each pump")
    dropped = RequirementFactory(product=product, title="Test certificate in Malayalam")
    login_as(Role.QUALITY_MANAGER)
    visit(reverse("customers:need_create"), name="form")

    choose(page, "Customer", "kerala", "Kerala Water Board")
    page.locator("#id_title").fill("Proof that each pump was tested")
    page.get_by_label("Kind").select_option("stated")
    page.locator("#id_source").select_option("meeting")
    choose(page, "Requirements that answer it", "test", "Test run report")
    choose(page, "Requirements that answer it", dropped.reference, "Test certificate")
    chosen = page.get_by_role("list", name="Chosen requirements")
    assert chosen.get_by_role("checkbox").count() == 2
    visit(name="chosen")
    chosen.get_by_label(re.compile("Test certificate")).uncheck()
    page.get_by_role("button", name="Save need").click()
    visit(name="saved")

    need = Need.objects.get(title="Proof that each pump was tested")
    assert need.customer == customer
    assert list(need.requirements.all()) == [kept]


def test_without_javascript_a_number_or_words_choose_and_several_are_named(
    browser, live_server, visit
):
    apollo = CustomerFactory(name="Apollo Diagnostics")
    CustomerFactory(name="Apollo Rail")
    RequirementFactory(status=Requirement.Status.ACCEPTED)
    user = UserFactory(role=Role.QUALITY_MANAGER)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(reverse("customers:commitment_create"))
    page.get_by_label(re.compile(r"^\s*Customer\s*\*?\s*$")).fill("apollo")
    page.get_by_role("button", name="Continue").click()
    assert "Several customers match “apollo”" in page.content()
    page.get_by_label(re.compile(r"^\s*Customer\s*\*?\s*$")).fill(f"#{apollo.pk}")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith(f"?customer={apollo.pk}")
    context.close()
