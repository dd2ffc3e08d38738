import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.roles import Role
from customers.models import Acknowledgement, Change, Commitment, Need, Requirement
from tests.e2e.conftest import choose
from tests.factories import CustomerFactory, ProductServiceFactory, RequirementFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_review_and_make_an_order(page, visit, customer):
    page.goto(customer.get_absolute_url())
    page.get_by_role("tab", name=re.compile("Commitments")).click()
    visit(name="customer-commitments")
    page.get_by_role("link", name="New quote, order or contract").click()
    visit(name="commitment-form")
    page.get_by_label("Kind").select_option("order")
    page.get_by_label("Reference").fill("PO-2026-0042")
    page.get_by_label("Title").fill("Calibration of 40 balances")
    committed_on = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Commitment date").fill(committed_on.isoformat())
    choose(page, "Requirements it carries", "certificates", "Certificates within two working days")
    page.get_by_role("button", name="Save commitment").click()
    visit(name="commitment-recorded")
    assert page.get_by_text("It cannot be marked made yet").is_visible()

    page.get_by_role("link", name="Review", exact=True).click()
    visit(name="commitment-review")
    page.get_by_label("Can be met", exact=True).check()
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_role("button", name="Record the review").click()
    visit(name="commitment-reviewed")
    page.get_by_role("button", name="Mark made").click()
    visit(name="commitment-made")
    assert page.get_by_text("Order PO-2026-0042 is made.").is_visible()
    assert Commitment.objects.get(reference="PO-2026-0042").status == "made"


def test_an_order_is_reviewed_made_and_reopened_by_a_change_to_its_requirement(
    page, visit, login_as
):
    owner = UserFactory(role=Role.STAFF, full_name="Riya Owner")
    account_owner = UserFactory(role=Role.STAFF, full_name="Arjun Account")
    customer = CustomerFactory(name="Apollo Diagnostics", account_owner=account_owner)
    requirement = RequirementFactory(
        product=ProductServiceFactory(name="Calibration service"),
        title="Certificates within two working days",
        text="A certificate is issued within 2 working days of the calibration.",
        owner=owner,
        status=Requirement.Status.ACCEPTED,
    )
    login_as(Role.QUALITY_MANAGER)

    record_review_and_make_an_order(page, visit, customer)

    page.goto(requirement.get_absolute_url())
    page.get_by_role("link", name="Change", exact=True).click()
    visit(name="requirement-change")
    page.get_by_label(re.compile(r"^\s*Requirement\*?\s*$")).fill(
        "A certificate is issued on the day of the calibration."
    )
    page.get_by_label("What changed and why").fill("The customer's auditors asked for it.")
    page.get_by_role("button", name="Save").click()
    visit(name="requirement-changed")
    assert page.get_by_text("Saved as version 2 (under review).", exact=False).is_visible()
    versions = page.get_by_role("table", name=re.compile("Version 1 and version 2"))
    assert versions.get_by_text("within 2 working days").is_visible()
    assert versions.get_by_text("on the day of the calibration").is_visible()
    assert Requirement.objects.get(pk=requirement.pk).version == 2

    page.get_by_role("link", name="Order PO-2026-0042").click()
    visit(name="commitment-reopened")
    assert page.get_by_text("reopened the review").is_visible()
    page.get_by_role("link", name="See the change").click()
    visit(name="change-outstanding")
    acknowledgements = page.get_by_role("region", name="Acknowledgements")
    assert acknowledgements.get_by_text("Outstanding").count() == 2
    assert acknowledgements.get_by_text("Riya Owner").is_visible()
    assert acknowledgements.get_by_text("Arjun Account").is_visible()
    assert Acknowledgement.objects.filter(acknowledged_at__isnull=True).count() == 2


def test_the_registers_pass_the_checks_with_the_demo_data(page, visit, login_as):
    call_command("load_demo", force=True)
    login_as(Role.QUALITY_MANAGER)
    need = Need.objects.filter(customer__isnull=False).first()
    statutory = Requirement.objects.filter(category="statutory").first()
    commitment = Commitment.objects.filter(status="made").first()
    change = Change.objects.first()

    for path, name in [
        ("/customers/needs/", "needs"),
        (need.get_absolute_url(), "need"),
        (f"/customers/needs/{need.pk}/edit/", "need-form"),
        ("/customers/requirements/?flag=recheck_due", "requirements-recheck-due"),
        (statutory.get_absolute_url(), "requirement-statutory"),
        (f"/customers/requirements/{statutory.pk}/recheck/", "recheck-form"),
        ("/customers/requirements/new/", "requirement-form"),
        ("/customers/commitments/?flag=review_reopened", "commitments-flagged"),
        (commitment.get_absolute_url(), "commitment-made-reopened"),
        ("/customers/commitments/new/", "commitment-choose-customer"),
        ("/customers/changes/?state=outstanding", "changes-outstanding"),
        (change.get_absolute_url(), "change"),
        (commitment.customer.get_absolute_url(), "customer"),
    ]:
        visit(path, name=name)
    page.get_by_role("tab", name=re.compile("Requirements")).click()
    visit(name="customer-requirements-tab")
