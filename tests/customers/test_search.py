"""The header search finds customers, contacts, needs, requirements and commitments,
each kind for those who may view it, at a constant number of queries."""

import itertools
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.registries import SEARCH_RESULTS_PER_KIND
from core.roles import Role
from core.services import record_void
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    CustomerFactory,
    NeedFactory,
    ProductServiceFactory,
    RequirementFactory,
    UserFactory,
)
from tests.queries import Pin, assert_pinned

pytestmark = pytest.mark.django_db

NUMBERS = itertools.count()
KINDS = ["Customers", "Contacts", "Needs", "Requirements", "Commitments"]


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def headings(html: str) -> list[str]:
    return re.findall(r'<h2 class="h4" id="results-[\w-]+">(\w+) ', html)


def zephyr_records(count, user):
    """``count`` records of each kind whose name, email, title or reference says Zephyr."""
    product = ProductServiceFactory()
    for _ in range(count):
        n = next(NUMBERS)
        customer = CustomerFactory(name=f"Zephyr Works {n}")
        ContactFactory(customer=customer, name=f"Dana {n}", email=f"dana{n}@zephyr.example")
        NeedFactory(customer=customer, title=f"Quiet pumps {n}")
        requirement = RequirementFactory(
            product=product, customer=customer, title=f"Zephyr noise below 60 dB ({n})"
        )
        CommitmentFactory(customer=customer, requirements=[requirement], reference=f"ZP-{n}")


def test_an_auditor_finds_every_kind_grouped_with_counts_and_links(client):
    customer = CustomerFactory(name="Apollo Diagnostics")
    contact = ContactFactory(customer=CustomerFactory(name="Lakeside"), email="ana@apollo.example")
    need = NeedFactory(customer=CustomerFactory(name="Other"), title="Apollo-grade hygiene")
    requirement = RequirementFactory(title="Apollo cleanroom rules")
    commitment = CommitmentFactory(reference="APOLLO-7", customer=CustomerFactory(name="Third"))
    client.force_login(UserFactory(role=Role.AUDITOR))

    html = main(client.get("/search/", {"q": "apollo"}))

    assert headings(html) == KINDS
    # Apollo Diagnostics by name, Lakeside by its contact's email address.
    assert html.count('<span class="badge text-bg-secondary">2<') == 1
    assert "6 records match." in html
    for record in (customer, contact, need, requirement, commitment):
        assert f'href="{record.get_absolute_url()}"' in html
    assert "ana@apollo.example · Lakeside" in html
    assert "Order APOLLO-7" in html


def test_a_requirement_is_found_by_its_reference(client, quality_manager):
    requirement = RequirementFactory(title="Certificates")
    client.force_login(quality_manager)

    html = main(client.get("/search/", {"q": requirement.reference.lower()}))

    assert headings(html) == ["Requirements"]
    assert f">{requirement.reference} Certificates</a>" in html


def test_a_person_without_view_contact_sees_no_contacts(client):
    ContactFactory(customer=CustomerFactory(name="Zephyr Works"), email="dana@zephyr.example")
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(reader)

    html = main(client.get("/search/", {"q": "zephyr"}))

    assert headings(html) == ["Customers"]
    assert "dana@zephyr.example" not in html
    assert "contacts" not in html.lower()


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.name.lower())
def test_every_role_sees_the_kinds_it_may_view(client, role):
    zephyr_records(1, None)
    client.force_login(UserFactory(role=role))

    html = main(client.get("/search/", {"q": "zephyr"}))

    # Every role reads the five registers (core/roles.py); the auditor changes nothing.
    assert headings(html)[:1] == ["Customers"]
    assert set(headings(html)) == {"Customers", "Contacts", "Needs", "Requirements", "Commitments"}


def test_voided_records_are_not_found(client, quality_manager):
    customer = CustomerFactory(name="Zephyr Works")
    record_void(record=customer, by=quality_manager, reason="Entered twice")
    client.force_login(quality_manager)

    html = main(client.get("/search/", {"q": "zephyr"}))

    assert "0 records match." in html
    assert headings(html) == []


def test_show_all_lists_exactly_the_records_the_search_counted(client, quality_manager):
    zephyr_records(SEARCH_RESULTS_PER_KIND + 2, None)
    client.force_login(quality_manager)
    total = SEARCH_RESULTS_PER_KIND + 2

    html = main(client.get("/search/", {"q": "zephyr"}))

    for label, url_name in [
        ("customers", "customers:customer_list"),
        ("contacts", "customers:contact_list"),
    ]:
        url = f"{reverse(url_name)}?q=zephyr"
        assert f'<a href="{url}">Show all {total} {label}</a>' in html
        assert client.get(url).context["page"].paginator.count == total


def test_a_customer_with_several_matching_contacts_is_found_once(client, quality_manager):
    customer = CustomerFactory(name="Gale Industries")
    for name in ("ana", "ben", "cy"):
        ContactFactory(customer=customer, email=f"{name}@zephyr.example")
    client.force_login(quality_manager)

    html = main(client.get("/search/", {"q": "zephyr.example"}))

    assert html.count(f'href="{customer.get_absolute_url()}"') == 1
    assert "4 records match." in html


PINS = [
    # The session, the user, the permissions (2), then one per kind (nine, with the
    # feedback app's items and communications, the surveys' responses and the test
    # app's widgets), whatever the number of matches.
    Pin("search", zephyr_records, 13, {"q": "zephyr"}),
    Pin("search", zephyr_records, 13, {"q": "zephyr.example"}),
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_search_makes_as_many_queries_for_30_records_a_kind_as_for_3(
    client, quality_manager, django_assert_num_queries, pin
):
    assert_pinned(client, quality_manager, django_assert_num_queries, pin)
