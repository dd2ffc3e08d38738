"""The demo data `make run` loads: what a newcomer is meant to find in the registers."""

import pytest
from django.core.management import call_command

from customers.models import (
    Acknowledgement,
    Commitment,
    Contact,
    Customer,
    Need,
    Requirement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", force=True)


def test_the_demo_register_has_customers_in_several_segments_and_countries(demo):
    customers = Customer.objects.all()

    assert customers.count() >= 15
    assert len({c.country.code for c in customers}) >= 5
    assert Contact.objects.filter(language="hi").exists()
    assert Contact.objects.filter(opted_out=True).exists()


def test_the_demo_has_needs_of_every_kind_and_requirements_of_every_category(demo):
    assert set(Need.objects.values_list("kind", flat=True)) == set(Need.Kind.values)
    assert set(Need.objects.values_list("horizon", flat=True)) == set(Need.Horizon.values)
    assert set(Requirement.objects.values_list("category", flat=True)) == set(
        Requirement.Category.values
    )
    assert any(r.is_recheck_due for r in Requirement.objects.all())


def test_the_demo_has_reviews_a_changed_requirement_and_an_acknowledgement_outstanding(demo):
    outcomes = set(
        Commitment.objects.exclude(current_review=None).values_list(
            "current_review__outcome", flat=True
        )
    )
    assert outcomes == {"accepted", "conditions", "rejected"}
    reopened = Commitment.objects.get(current_review__reopened_at__isnull=False)
    assert reopened.status == Commitment.Status.MADE
    assert Requirement.objects.filter(version=2).count() == 1
    acknowledgements = Acknowledgement.objects.all()
    assert {a.acknowledged_at is None for a in acknowledgements} == {True, False}


def test_loading_the_demo_twice_adds_nothing(demo):
    counts = [m.objects.count() for m in (Customer, Contact, Need, Requirement, Commitment)]

    call_command("load_demo", force=True)

    assert [m.objects.count() for m in (Customer, Contact, Need, Requirement, Commitment)] == counts
