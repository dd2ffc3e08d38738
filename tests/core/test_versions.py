"""The fields that make a new version are declared once; the copy and the comparison
read that declaration."""

import pytest

from core.versions import pick_versions
from customers.models import (
    Commitment,
    CommitmentVersion,
    Requirement,
    RequirementVersion,
)
from customers.requirements import services
from tests.factories import CustomerFactory, ProductServiceFactory, RequirementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "version_model"),
    [(Requirement, RequirementVersion), (Commitment, CommitmentVersion)],
)
def test_every_versioned_field_is_kept_by_the_version_model(model, version_model):
    declared = [*model.VERSIONED.names, *model.VERSIONED.extra]
    kept = {field.name for field in version_model._meta.get_fields()}

    assert set(declared) <= kept
    assert set(model.VERSIONED.names) <= {field.name for field in model._meta.get_fields()}


def test_a_change_to_a_linked_record_is_a_change_and_the_version_keeps_it(quality_manager):
    requirement = RequirementFactory()
    requirement.product = ProductServiceFactory(name="Calibration service")
    requirement.customer = CustomerFactory(name="Kerala Water Board")

    assert Requirement.VERSIONED.changed(requirement, Requirement.objects.get(pk=requirement.pk))
    edit = services.requirement_change(
        requirement=requirement, by=quality_manager, reason="Moved to calibration."
    )

    old, new = pick_versions(list(edit.record.versions.all()), None, None)
    rows = {str(row.label): row for row in Requirement.VERSIONED.diff(RequirementVersion, old, new)}
    assert [str(label) for label in rows] == [
        "Title",
        "Requirement",
        "Category",
        "Claim",
        "Product or service",
        "Customer",
        "Law or standard",
        "Clause",
    ]
    assert (rows["Product or service"].new, rows["Product or service"].changed) == (
        "Calibration service",
        True,
    )
    assert (rows["Customer"].old, rows["Customer"].new) == ("Every customer", "Kerala Water Board")
    assert not rows["Title"].changed


def test_an_edit_of_fields_that_are_not_versioned_changes_nothing_versioned(quality_manager):
    requirement = RequirementFactory()
    requirement.recheck_due = requirement.created_at.date()

    assert (
        Requirement.VERSIONED.changed(requirement, Requirement.objects.get(pk=requirement.pk)) == []
    )
