"""Search on the requirements and commitments lists finds records by reference and title."""

import pytest
from django.urls import reverse

from tests.factories import CommitmentFactory, CustomerFactory, RequirementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, quality_manager):
    client.force_login(quality_manager)
    return client


def listed(client, url_name, q):
    response = client.get(reverse(url_name), {"q": q})
    assert response.status_code == 200
    return list(response.context["page"])


WORDS = ["Traceable", "Certificates", "Delivery", "Commissioning", "Training", "Manuals"]


@pytest.fixture
def requirements():
    """Requirements whose titles hold no digits; the reference is the only number."""
    return [RequirementFactory(title=f"{word} promise") for word in WORDS]


def spellings(requirement):
    number = requirement.pk
    return [
        requirement.reference,
        requirement.reference.lower(),
        f"REQ-{number}",
        f"req {number}",
        f"REQ{number:04}",
        f"  {requirement.reference} ",
        str(number),
        f"{number:04}",
    ]


def test_a_requirement_is_found_by_its_reference_in_any_spelling(signed_in, requirements):
    wanted = requirements[3]

    for q in spellings(wanted):
        assert listed(signed_in, "customers:requirement_list", q) == [wanted], q


def test_a_number_finds_the_requirement_with_that_reference_and_titles_containing_it(
    signed_in, requirements
):
    wanted = requirements[2]
    titled = RequirementFactory(title=f"Clause {wanted.pk} of the standard")

    found = listed(signed_in, "customers:requirement_list", str(wanted.pk))

    assert {r.pk for r in found} == {wanted.pk, titled.pk}


def test_a_requirement_is_found_by_words_of_its_title(signed_in):
    wanted = RequirementFactory(title="Certificates within two working days")
    RequirementFactory(title="Traceable calibration")

    assert listed(signed_in, "customers:requirement_list", "two working") == [wanted]


def test_a_reference_that_matches_no_requirement_finds_nothing(signed_in, requirements):
    assert listed(signed_in, "customers:requirement_list", "REQ-999999") == []


def test_a_commitment_is_found_by_its_reference_its_title_or_its_customer(signed_in):
    wanted = CommitmentFactory(
        reference="PO-SPT-2026-118",
        title="Two P-200 pumps with commissioning",
        customer=CustomerFactory(name="Sharma Precision Tools"),
    )
    CommitmentFactory(reference="Q-2026-0290", title="Calibration of 40 instruments")

    for q in ["PO-SPT-2026-118", "spt-2026", "P-200 pumps", "sharma precision"]:
        assert listed(signed_in, "customers:commitment_list", q) == [wanted], q
