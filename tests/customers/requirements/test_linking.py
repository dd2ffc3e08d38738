"""Linking needs and requirements from either side: the requirement form names the needs
it answers, a need's page offers a requirement that answers it, and each side lists
the other in a reading order (needs by title, requirements by reference)."""

import html
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.roles import Role
from core.services import record_void
from customers.models import Need, Requirement
from customers.requirements import services
from tests.factories import (
    CustomerFactory,
    NeedFactory,
    ProductServiceFactory,
    RequirementFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)):
        yield


@pytest.fixture
def signed_in(client, quality_manager):
    client.force_login(quality_manager)
    return client


def chosen(bound_field):
    """Return the ids a chooser shows as chosen."""
    return [item[0] for item in bound_field.value() if isinstance(item, tuple)]


def form_data(requirement=None, **changes):
    product = requirement.product if requirement else ProductServiceFactory()
    owner = requirement.owner if requirement else UserFactory(role=Role.STAFF)
    data = {
        "product": product.pk,
        "customer": requirement.customer_id or "" if requirement else "",
        "title": requirement.title if requirement else "Same-day certificates",
        "text": requirement.text if requirement else "A certificate on the day of calibration.",
        "category": requirement.category if requirement else "delivery",
        "owner": owner.pk,
        "reason": "",
    }
    data.update(changes)
    return data


def test_the_form_offers_open_needs_by_title_and_keeps_the_ones_already_linked(signed_in):
    customer = CustomerFactory(name="Apollo Labs")
    zebra = NeedFactory(title="Zero downtime", customer=customer)
    alpha = NeedFactory(title="Accurate weights", customer=None, segment=SegmentFactory())
    addressed = NeedFactory(title="Monthly reports", status=Need.Status.ADDRESSED)
    closed = NeedFactory(title="Closed need", status=Need.Status.CLOSED)
    closed_linked = NeedFactory(title="Closed but linked", status=Need.Status.CLOSED)
    voided = NeedFactory(title="Voided need")
    record_void(record=voided, by=UserFactory(), reason="Duplicate")
    requirement = RequirementFactory()
    closed_linked.requirements.add(requirement)

    new = signed_in.get(reverse("customers:requirement_create")).context["form"]
    edit = signed_in.get(reverse("customers:requirement_edit", args=[requirement.pk]))
    edit_form = edit.context["form"]

    assert list(new.fields["needs"].queryset) == [alpha, addressed, zebra]
    assert list(edit_form.fields["needs"].queryset) == [alpha, closed_linked, addressed, zebra]
    assert closed not in edit_form.fields["needs"].queryset
    assert chosen(edit_form["needs"]) == [closed_linked.pk]
    assert f"Closed but linked (#{closed_linked.pk})" in edit.content.decode()
    suggested = signed_in.get(reverse("choose", args=["needs"]), {"q": "zero"}).content.decode()
    assert "Zero downtime" in suggested
    assert "Apollo Labs · Open" in suggested


def test_a_new_requirement_answers_the_needs_ticked_and_each_need_records_who_linked_it(
    signed_in, quality_manager
):
    first, second, other = NeedFactory(), NeedFactory(), NeedFactory()

    response = signed_in.post(
        reverse("customers:requirement_create"), form_data(needs=[first.pk, second.pk])
    )

    requirement = Requirement.objects.get()
    assert response.status_code == 302
    assert set(requirement.needs.all()) == {first, second}
    assert not other.requirements.exists()
    latest = first.history.first()
    assert latest.history_user == quality_manager
    assert [r.requirement_id for r in latest.requirements.all()] == [requirement.pk]


def test_editing_a_requirement_adds_and_removes_needs_without_making_a_version(
    signed_in, quality_manager
):
    kept, dropped, added = NeedFactory(), NeedFactory(), NeedFactory()
    requirement = RequirementFactory()
    kept.requirements.add(requirement)
    dropped.requirements.add(requirement)

    response = signed_in.post(
        reverse("customers:requirement_edit", args=[requirement.pk]),
        form_data(requirement, needs=[kept.pk, added.pk]),
        follow=True,
    )

    assert "the content is unchanged, so no new version" in response.content.decode()
    requirement.refresh_from_db()
    assert requirement.version == 1
    assert set(requirement.needs.all()) == {kept, added}
    assert dropped.history.first().history_user == quality_manager
    assert not dropped.requirements.exists()


def test_a_requirement_for_one_customer_cannot_answer_another_customers_need(signed_in):
    mine, theirs = CustomerFactory(), CustomerFactory(name="Metro Rail")
    own = NeedFactory(customer=mine)
    foreign = NeedFactory(customer=theirs, title="Night-time works")
    segment_need = NeedFactory(customer=None, segment=SegmentFactory())

    refused = signed_in.post(
        reverse("customers:requirement_create"),
        form_data(customer=mine.pk, needs=[own.pk, foreign.pk]),
    )

    assert refused.status_code == 200
    assert (
        "A requirement for one customer answers only that customer's needs, or those of a "
        "segment or another party: Night-time works (Metro Rail)."
    ) in html.unescape(refused.content.decode())
    assert not Requirement.objects.exists()
    assert not own.requirements.exists()

    signed_in.post(
        reverse("customers:requirement_create"),
        form_data(customer=mine.pk, needs=[own.pk, segment_need.pk]),
    )
    assert set(Requirement.objects.get().needs.all()) == {own, segment_need}


NEED = {
    "kind": "stated",
    "horizon": "current",
    "source": "meeting",
    "priority": "high",
    "status": "open",
}


def test_a_need_cannot_name_another_customers_requirement(signed_in):
    mine, theirs = CustomerFactory(), CustomerFactory(name="Metro Rail")
    foreign = RequirementFactory(customer=theirs)
    general = RequirementFactory(customer=None)

    refused = signed_in.post(
        reverse("customers:need_create"),
        {**NEED, "title": "Night-time works", "customer": mine.pk, "requirements": [foreign.pk]},
    )

    assert refused.status_code == 200
    assert (
        "These requirements are for another customer and cannot answer this customer's "
        f"need: {foreign.reference}."
    ) in html.unescape(refused.content.decode())
    assert not Need.objects.exists()

    signed_in.post(
        reverse("customers:need_create"),
        {**NEED, "title": "Night-time works", "customer": mine.pk, "requirements": [general.pk]},
    )
    assert list(Need.objects.get().requirements.all()) == [general]


def test_a_need_moved_to_another_customer_keeps_no_requirement_of_the_first(quality_manager):
    first, second = CustomerFactory(), CustomerFactory()
    requirement = RequirementFactory(customer=first)
    need = NeedFactory(customer=first)
    need.requirements.add(requirement)

    need.customer = second
    with pytest.raises(ValidationError, match=requirement.reference):
        services.need_save(need=need, by=quality_manager, status=need.status)
    assert Need.objects.get(pk=need.pk).customer == first

    segment_need = NeedFactory(customer=None, segment=SegmentFactory())
    services.need_save(
        need=segment_need,
        by=quality_manager,
        status=segment_need.status,
        requirements=[requirement],
    )
    assert list(segment_need.requirements.all()) == [requirement]


def test_a_closed_need_keeps_its_link_until_it_is_reopened():
    by = UserFactory(role=Role.QUALITY_MANAGER)
    requirement = RequirementFactory()
    need = NeedFactory()
    need.requirements.add(requirement)
    services.need_save(need=need, by=by, status=Need.Status.CLOSED)

    with pytest.raises(ValidationError, match="closed and locked against edits"):
        services.requirement_change(requirement=requirement, by=by, needs=[])

    assert list(need.requirements.all()) == [requirement]
    # Left as it is, the closed need is no reason to refuse the edit.
    edit = services.requirement_change(requirement=requirement, by=by, needs=[need])
    assert edit.change is None


def test_the_need_page_offers_a_requirement_that_answers_it_with_the_need_and_customer_filled(
    signed_in,
):
    customer = CustomerFactory()
    need = NeedFactory(customer=customer, title="Same-day certificates")

    page = signed_in.get(need.get_absolute_url()).content.decode()
    create = f"{reverse('customers:requirement_create')}?need={need.pk}"
    assert f'href="{create}"' in page
    assert "Add a requirement that answers this need" in page

    form = signed_in.get(create).context["form"]
    assert chosen(form["needs"]) == [need.pk]
    assert form["customer"].value() == f"{customer.name} (#{customer.pk})"

    response = signed_in.post(create, form_data(customer=customer.pk, needs=[need.pk]))
    assert response.status_code == 302
    assert list(need.requirements.all()) == [Requirement.objects.get()]


def test_a_segment_need_fills_in_the_need_but_no_customer(signed_in):
    need = NeedFactory(customer=None, segment=SegmentFactory())

    form = signed_in.get(reverse("customers:requirement_create"), {"need": need.pk}).context["form"]

    assert chosen(form["needs"]) == [need.pk]
    assert not form["customer"].value()


@pytest.mark.parametrize("need_param", ["999999", "abc", ""])
def test_an_unknown_need_in_the_address_fills_in_nothing(signed_in, need_param):
    response = signed_in.get(reverse("customers:requirement_create"), {"need": need_param})

    assert response.status_code == 200
    assert not response.context["form"]["needs"].value()


def test_the_offer_is_not_shown_on_a_closed_need_nor_to_those_who_cannot_add(client):
    closed = NeedFactory(status=Need.Status.CLOSED)
    open_need = NeedFactory()

    client.force_login(UserFactory(role=Role.QUALITY_MANAGER))
    assert (
        "Add a requirement that answers"
        not in client.get(closed.get_absolute_url()).content.decode()
    )
    client.force_login(UserFactory(role=Role.AUDITOR))
    assert (
        "Add a requirement that answers"
        not in client.get(open_need.get_absolute_url()).content.decode()
    )


def test_a_needs_requirements_read_by_reference_on_its_page_and_in_its_form(signed_in):
    customer = CustomerFactory()
    # Made in this order, so the references run against the titles and products.
    made = [
        RequirementFactory(
            customer=customer, title=title, product=ProductServiceFactory(name=product)
        )
        for title, product in [("Zeta", "Alpha service"), ("Alpha", "Zulu service"), ("Mu", "Beta")]
    ]
    need = NeedFactory(customer=customer)
    need.requirements.add(*made)

    page = signed_in.get(need.get_absolute_url()).content.decode()
    form = signed_in.get(reverse("customers:need_edit", args=[need.pk])).context["form"]

    positions = [page.index(r.get_absolute_url()) for r in made]
    assert positions == sorted(positions)
    offered = [r for r in form.fields["requirements"].queryset if r in made]
    assert offered == made
