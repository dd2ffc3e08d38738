"""Query pins of the home page, per role: the same count for 3 rows of each panel's
figures as for 30."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from core.models import OutboundEmail
from core.roles import Role
from customers.models import Acknowledgement, Customer, Requirement
from customers.register.selectors import CONTACT_FIGURES_KEY
from customers.requirements import services
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    CustomerFactory,
    RequirementFactory,
    UserFactory,
)
from tests.queries import Pin, assert_pinned

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))):
        yield


def figures(count, user):
    """Rows behind every panel: customers the person owns and their contacts,
    requirements due a re-check, commitments reviewed and not, changes the person is
    asked to acknowledge, and emails sent, waiting and failed."""
    editor = UserFactory(role=Role.QUALITY_MANAGER)
    statuses = [s for s in Customer.Status if s != Customer.Status.LOST]
    states = list(OutboundEmail.State)
    for n in range(count):
        customer = CustomerFactory(account_owner=user, status=statuses[n % len(statuses)])
        ContactFactory(customer=customer)
        ContactFactory(customer=customer, consent=False, consent_on=None, consent_source="")
        requirement = RequirementFactory(
            customer=customer,
            category=Requirement.Category.STATUTORY,
            source="Act",
            recheck_due=date(2026, 1, 1),
        )
        commitment = CommitmentFactory(customer=customer, requirements=[requirement], by=editor)
        if n % 2:
            services.commitment_review(
                commitment=commitment,
                by=editor,
                reviewed_on=date(2026, 12, 1),
                outcome="accepted",
                findings=[services.ItemFinding(requirement=requirement, can_meet=True)],
            )
        requirement.refresh_from_db()
        requirement.text = "Deliver within 5 working days of the order."
        change = services.requirement_change(requirement=requirement, by=editor, reason="Faster")
        # Auditors are never asked; the panel's count of the person's own still runs.
        Acknowledgement.objects.get_or_create(
            change=change.change, person=user, defaults={"concern": "added"}
        )
        OutboundEmail.objects.create(
            recipient=f"someone{n}@example.org",
            purpose="test",
            subject="Hello",
            body_text="Hello",
            state=states[n % len(states)],
            sent_at=timezone.now(),
        )
    # The contact figures are counted when none are kept: pin that page view.
    cache.delete(CONTACT_FIGURES_KEY)


# Staff do not see the email delivery panel, so their page makes one query fewer;
# everyone but auditors sees the overdue planned communications (their own, or all
# for quality managers), one query more. The
# register's contacts are counted in two queries (all active, those who can be
# surveyed), each read from a partial index alone, when no count is kept.
PINS = {
    Role.TOP_MANAGEMENT: Pin("home", figures, 13),
    # Feedback's panel: the person's own items (one query) and, for quality managers,
    # the open, overdue and unassigned complaints (one more); the communication plan's
    # overdue rows (one more).
    Role.QUALITY_MANAGER: Pin("home", figures, 15),
    Role.STAFF: Pin("home", figures, 13),
    Role.AUDITOR: Pin("home", figures, 12),
}


@pytest.mark.parametrize("role", list(PINS), ids=str)
def test_the_home_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, role_user, django_assert_num_queries, role
):
    assert_pinned(client, role_user(role), django_assert_num_queries, PINS[role])
