"""The log and plan pages in a browser: axe-clean, valid HTML, no CSP violation; a
quality manager logs a call that fulfils a planned row and approves a plan change."""

import re

import pytest
from django.core.management import call_command

from core.roles import Role
from feedback.models import Communication, PlanVersion
from tests.e2e.conftest import choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quality_manager_walks_the_log_and_the_plan(page, visit, login_as, live_server):
    call_command("load_demo", force=True)
    login_as(Role.QUALITY_MANAGER)

    visit("/", name="home")
    assert page.get_by_text("Planned communications overdue").is_visible()
    visit("/feedback/communication/", name="log")
    # The demo's survey emails are the newest lines: the search finds the older ones.
    page.get_by_label("Search").fill("Monthly check-in")
    page.get_by_label("Search").press("Enter")
    visit(name="log-search")
    assert page.get_by_role("cell", name=re.compile("Monthly check-in")).first.is_visible()
    visit("/feedback/communication/", name="log-all")
    page.get_by_label("Channel").select_option("email")
    page.get_by_label("Email purpose").select_option("communication overdue")
    visit(name="log-emails")
    assert page.get_by_role("link", name="Overdue: Account check-in call").is_visible()
    page.get_by_role("link", name="Overdue: Account check-in call").click()
    visit(name="email")
    # The HTML as sent shows in its sandbox (where no script runs, axe's included:
    # tests/feedback/communication/test_email_page.py reads its headers).
    assert page.frame_locator("iframe.email-html").get_by_text("Hello").first.is_visible()

    visit("/feedback/communication/plan/", name="plan")
    visit("/feedback/communication/plan/?a=1&b=2", name="plan-compare")
    page.get_by_role("link", name="Account check-in call").first.click()
    visit(name="plan-row")
    page.get_by_role("link", name="Log a communication that fulfils it").click()
    visit(name="log-form")
    page.get_by_label("Summary").fill("Monthly check-in: all well")
    page.get_by_role("button", name="Save to the log").click()
    visit(name="logged")
    assert Communication.objects.filter(summary="Monthly check-in: all well").exists()
    page.get_by_role("link", name="Account check-in call").click()
    visit(name="plan-row-fulfilled")
    assert not page.get_by_text("This communication was due by").is_visible()

    visit("/feedback/communication/plan/approve/", name="approve")
    page.get_by_label("What changed and why").fill("Customer day invitation added.")
    page.get_by_role("button", name="Approve as a new version").click()
    visit(name="approved")
    assert PlanVersion.objects.count() == 3


def test_staff_log_a_visit_choosing_the_customer_and_contact(page, visit, login_as):
    call_command("load_demo", force=True)
    login_as(Role.STAFF)

    visit("/feedback/communication/new/", name="form")
    choose(page, "Customer", "Kerala", "Kerala Water Board")
    page.get_by_label("Channel").select_option("visit")
    page.get_by_label("Summary").fill("Visit: pump commissioning follow-up")
    page.get_by_role("button", name="Save to the log").click()
    visit(name="saved")
    entry = Communication.objects.get(summary="Visit: pump commissioning follow-up")
    assert entry.customer.name == "Kerala Water Board"
