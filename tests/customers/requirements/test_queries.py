"""Query pins of the needs, requirements, commitments and changes pages: the same count
for 3 rows as for 30."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.roles import Role
from customers.models import Acknowledgement, Requirement
from customers.requirements import services
from tests.factories import (
    CommitmentFactory,
    CustomerFactory,
    NeedFactory,
    RequirementFactory,
    SegmentFactory,
    UserFactory,
)
from tests.queries import Pin, assert_pinned

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))):
        yield


def review(commitment, by):
    commitment.refresh_from_db()
    services.commitment_review(
        commitment=commitment,
        by=by,
        reviewed_on=date(2026, 12, 1),
        outcome="accepted",
        findings=[
            services.ItemFinding(requirement=r, can_meet=True)
            for r in commitment.requirements.all()
        ],
    )


def change_requirement(requirement, by):
    requirement.refresh_from_db()
    requirement.text = f"{requirement.text} More."
    return services.requirement_change(requirement=requirement, by=by, reason="Tighter").change


def rows(count, user):
    """Rows of every list: customers' needs, requirements (some due a re-check),
    reviewed commitments, and changes that ask the signed-in person to acknowledge."""
    editor = UserFactory(role=Role.QUALITY_MANAGER)
    for n in range(count):
        customer = CustomerFactory(account_owner=user)
        statutory = (
            {
                "category": Requirement.Category.STATUTORY,
                "source": "Act",
                "recheck_due": date(2026, 1, 1),
            }
            if n % 2
            else {}
        )
        requirement = RequirementFactory(
            customer=customer, owner=UserFactory(role=Role.STAFF), **statutory
        )
        need = NeedFactory(customer=customer)
        need.requirements.add(requirement, RequirementFactory(customer=customer))
        NeedFactory(customer=None, segment=SegmentFactory()).requirements.add(requirement)
        commitment = CommitmentFactory(customer=customer, requirements=[requirement], by=editor)
        if n % 3:
            review(commitment, editor)
        change_requirement(requirement, editor)
        commitment.refresh_from_db()
        commitment.title = "Calibration and repair"
        services.commitment_change(
            commitment=commitment, requirements=[requirement], by=editor, reason="Wider"
        )


def requirement_of(user):
    customer = CustomerFactory(account_owner=user)
    return RequirementFactory(customer=customer, owner=UserFactory(role=Role.STAFF))


def requirement_related(count, requirement):
    """Needs and reviewed commitments that carry it, and changes (versions) of it."""
    editor = UserFactory(role=Role.QUALITY_MANAGER)
    for _ in range(count):
        NeedFactory(customer=requirement.customer).requirements.add(requirement)
        commitment = CommitmentFactory(
            customer=requirement.customer, requirements=[requirement], by=editor
        )
        review(commitment, editor)
        change_requirement(requirement, editor)


def commitment_of(user):
    customer = CustomerFactory(account_owner=user)
    return CommitmentFactory(customer=customer, requirements=[RequirementFactory()], by=user)


def commitment_related(count, commitment):
    """Requirements it carries, versions and changes, and a review of each version."""
    editor = UserFactory(role=Role.QUALITY_MANAGER)
    for _ in range(count):
        commitment.refresh_from_db()
        carried = [*commitment.requirements.all(), RequirementFactory()]
        commitment.title = f"{commitment.title} +"
        services.commitment_change(
            commitment=commitment, requirements=carried, by=editor, reason="One more"
        )
        review(commitment, editor)


def need_of(user):
    return NeedFactory(customer=CustomerFactory(account_owner=user))


def need_requirements(count, need):
    for _ in range(count):
        need.requirements.add(RequirementFactory(customer=need.customer))


def change_of(user):
    requirement = RequirementFactory(customer=CustomerFactory(account_owner=user))
    commitment = CommitmentFactory(
        customer=requirement.customer, requirements=[requirement], by=user
    )
    review(commitment, user)
    return change_requirement(requirement, UserFactory(role=Role.QUALITY_MANAGER))


def change_acknowledgements(count, change):
    Acknowledgement.objects.bulk_create(
        Acknowledgement(
            change=change,
            person=UserFactory(role=Role.STAFF),
            concern=Acknowledgement.Concern.ADDED,
        )
        for _ in range(count)
    )


PINS = [
    Pin("customers:need_list", rows, 7),
    Pin("customers:need_list", rows, 7, {"q": "Need", "status": "open"}),
    Pin("customers:requirement_list", rows, 7),
    Pin("customers:requirement_list", rows, 7, {"flag": "recheck_due", "ordering": "recheck"}),
    Pin("customers:requirement_list", rows, 7, {"q": "Deliver", "voided": "on"}),
    Pin("customers:commitment_list", rows, 6),
    Pin("customers:commitment_list", rows, 6, {"flag": "review_reopened"}),
    Pin("customers:commitment_list", rows, 6, {"flag": "not_reviewed", "q": "PO-"}),
    Pin(
        "customers:commitment_list",
        rows,
        6,
        {"date_from": "2026-12-01", "date_to": "2026-12-31", "ordering": "-reviewed"},
    ),
    Pin("customers:commitment_list", rows, 6, {"ordering": "made", "kind": "order"}),
    Pin("customers:review_list", rows, 6),
    Pin("customers:review_list", rows, 6, {"date_from": "2026-11-01", "date_to": "2026-12-01"}),
    Pin("customers:review_list", rows, 6, {"ordering": "customer", "outcome": "accepted"}),
    Pin("customers:change_list", rows, 6),
    Pin("customers:change_list", rows, 6, {"mine": "on", "state": "outstanding"}),
    Pin("customers:requirement_detail", requirement_related, 11, record=requirement_of),
    Pin("customers:commitment_detail", commitment_related, 15, record=commitment_of),
    Pin("customers:need_detail", need_requirements, 9, record=need_of),
    Pin("customers:change_detail", change_acknowledgements, 8, record=change_of),
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, quality_manager, django_assert_num_queries, pin
):
    assert_pinned(client, quality_manager, django_assert_num_queries, pin)
