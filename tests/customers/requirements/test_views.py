"""The needs, requirements and commitments pages: flows, messages, permissions.

It mirrors customers/requirements/views.py, one unit, in the same order; the reviews
list, search and linking have files of their own.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.roles import Role
from core.services import record_void
from customers.models import Acknowledgement, Commitment, CommitmentReview, Need, Requirement
from customers.requirements import selectors, services
from tests.customers.forms import unchanged_post
from tests.factories import (
    CommitmentFactory,
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
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))):
        yield


@pytest.fixture
def signed_in(client, quality_manager):
    client.force_login(quality_manager)
    return client


def changed(requirement, by, text):
    requirement.text = text
    return services.requirement_change(requirement=requirement, by=by, reason="Tighter").change


def make_rows(count, by):
    """Rows for every list: needs, requirements, commitments (reviewed) and changes."""
    for _ in range(count):
        customer = CustomerFactory(account_owner=by)
        requirement = RequirementFactory(customer=customer, owner=UserFactory(role=Role.STAFF))
        need = NeedFactory(customer=customer)
        need.requirements.add(requirement)
        commitment = CommitmentFactory(customer=customer, requirements=[requirement], by=by)
        services.commitment_review(
            commitment=commitment,
            by=by,
            reviewed_on=date(2026, 12, 1),
            outcome="accepted",
            findings=[services.ItemFinding(requirement=requirement, can_meet=True)],
        )
        changed(requirement, by, f"Changed text {requirement.pk}")


# Their query counts, and those of the detail pages, are pinned in test_queries.py.
@pytest.mark.parametrize(
    "url_name",
    [
        "customers:need_list",
        "customers:requirement_list",
        "customers:commitment_list",
        "customers:change_list",
    ],
)
def test_the_lists_show_25_rows_a_page(signed_in, quality_manager, url_name):
    make_rows(30, quality_manager)

    response = signed_in.get(reverse(url_name))

    assert response.status_code == 200
    assert len(response.context["page"]) == 25


def test_a_requirement_change_through_the_page_needs_a_reason_and_shows_both_versions(
    signed_in,
):
    requirement = RequirementFactory(text="Deliver in 10 days.")
    url = reverse("customers:requirement_edit", args=[requirement.pk])
    data = {
        "product": requirement.product.pk,
        "title": requirement.title,
        "text": "Deliver in 5 days.",
        "category": requirement.category,
        "owner": requirement.owner.pk,
        "reason": "",
    }

    refused = signed_in.post(url, data)

    assert refused.status_code == 200
    assert "Say what changed and why" in refused.content.decode()
    assert Requirement.objects.get(pk=requirement.pk).version == 1

    response = signed_in.post(url, {**data, "reason": "The customer asked."}, follow=True)

    page = response.content.decode()
    assert "Saved as version 2" in page
    assert "Deliver in 10 days." in page
    assert "Deliver in 5 days." in page
    assert "The customer asked." in page


def test_a_statutory_requirement_without_its_source_is_refused_with_a_message(signed_in):
    product = ProductServiceFactory()

    response = signed_in.post(
        reverse("customers:requirement_create"),
        {
            "product": product.pk,
            "title": "Labelling",
            "text": "Declare the net quantity.",
            "category": "statutory",
            "owner": response_owner(signed_in),
        },
    )

    page = response.content.decode()
    assert "Name the law or standard it comes from." in page
    assert "Give the date by which it is checked again." in page
    assert not Requirement.objects.exists()


def response_owner(client):
    return client.get(reverse("customers:requirement_create")).context["form"].initial["owner"]


def test_reviewing_and_making_a_commitment_through_the_pages(signed_in):
    first, second = RequirementFactory(status="accepted"), RequirementFactory(status="accepted")
    commitment = CommitmentFactory(requirements=[first, second], committed_on=date(2026, 12, 5))
    make = reverse("customers:commitment_make", args=[commitment.pk])

    early = signed_in.post(make, follow=True)
    assert "Review the commitment first." in early.content.decode()

    review_url = reverse("customers:commitment_review", args=[commitment.pk])
    form = {
        "reviewed_on": "2026-12-01",
        "outcome": "accepted",
        f"meet_{first.pk}": "yes",
        f"meet_{second.pk}": "no",
        f"note_{second.pk}": "No stock until January.",
    }
    contradictory = signed_in.post(review_url, form)
    assert "rules out a plain acceptance" in contradictory.content.decode()
    assert not CommitmentReview.objects.exists()

    signed_in.post(review_url, {**form, "outcome": "conditions", "conditions": "Ship in two lots."})
    done = signed_in.post(make, follow=True)

    assert "is made" in done.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.MADE
    assert commitment.current_review.items.get(requirement=second).note == (
        "No stock until January."
    )


def test_a_change_shows_the_review_reopened_and_who_has_not_acknowledged(client, quality_manager):
    owner = UserFactory(role=Role.STAFF, full_name="Riya Owner")
    account_owner = UserFactory(role=Role.TOP_MANAGEMENT, full_name="Arjun Account")
    requirement = RequirementFactory(owner=owner)
    commitment = CommitmentFactory(
        customer=CustomerFactory(account_owner=account_owner),
        requirements=[requirement],
        by=quality_manager,
    )
    services.commitment_review(
        commitment=commitment,
        by=quality_manager,
        reviewed_on=date(2026, 12, 1),
        outcome="accepted",
        findings=[services.ItemFinding(requirement=requirement, can_meet=True)],
    )
    change = changed(requirement, quality_manager, "New text")

    client.force_login(owner)
    page = client.get(change.get_absolute_url()).content.decode()
    assert "asks you to acknowledge" in page
    client.post(reverse("customers:change_acknowledge", args=[change.pk]))

    client.force_login(quality_manager)
    commitment_page = client.get(commitment.get_absolute_url()).content.decode()
    assert "reopened the review" in commitment_page
    outstanding = client.get(reverse("customers:change_list") + "?state=outstanding")
    assert list(outstanding.context["page"]) == [change]
    acks = {a.person.full_name: a.acknowledged_at for a in Acknowledgement.objects.all()}
    assert acks["Riya Owner"] is not None
    assert acks["Arjun Account"] is None
    reopened = client.get(reverse("customers:commitment_list") + "?flag=review_reopened")
    assert list(reopened.context["page"]) == [commitment]


def test_only_the_people_a_change_concerns_acknowledge_it_and_auditors_never(
    client, quality_manager
):
    requirement = RequirementFactory(owner=UserFactory(role=Role.AUDITOR))
    change = changed(requirement, quality_manager, "New text")
    url = reverse("customers:change_acknowledge", args=[change.pk])

    client.force_login(requirement.owner)
    assert client.post(url).status_code == 403

    client.force_login(UserFactory(role=Role.STAFF))
    response = client.post(url, follow=True)
    assert "does not ask you" in response.content.decode()
    assert not Acknowledgement.objects.filter(acknowledged_at__isnull=False).exists()


def test_the_recheck_flag_lists_requirements_past_their_date(signed_in, quality_manager):
    due = RequirementFactory(
        category="statutory", source="Rules 2011", recheck_due=date(2026, 12, 10)
    )
    RequirementFactory(category="statutory", source="Act 2019", recheck_due=date(2027, 3, 1))
    url = reverse("customers:requirement_list") + "?flag=recheck_due"

    assert list(signed_in.get(url).context["page"]) == []
    with time_machine.travel(datetime(2026, 12, 10, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))):
        signed_in.force_login(quality_manager)
        assert list(signed_in.get(url).context["page"]) == []  # due today, not yet past
    with time_machine.travel(datetime(2026, 12, 11, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))):
        signed_in.force_login(quality_manager)  # the session of 1 December has expired
        response = signed_in.get(url)
        home = signed_in.get("/").content.decode()

    assert list(response.context["page"]) == [due]
    assert "Re-check due" in response.content.decode()
    assert "Requirements due for a re-check" in home


def test_a_need_with_two_parties_is_refused_and_html_in_it_is_shown_as_text(signed_in):
    customer, segment = CustomerFactory(), SegmentFactory()
    data = {
        "customer": customer.pk,
        "segment": segment.pk,
        "title": "<script>alert(1)</script> Faster support",
        "kind": "stated",
        "horizon": "current",
        "source": "meeting",
        "priority": "high",
        "status": "open",
    }

    refused = signed_in.post(reverse("customers:need_create"), data)
    assert "Name exactly one party" in refused.content.decode()
    assert not Need.objects.exists()

    response = signed_in.post(
        reverse("customers:need_create"), {**data, "segment": ""}, follow=True
    )
    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Faster support" in page
    assert "<script>alert(1)</script>" not in page


def test_the_customer_page_lists_its_needs_requirements_and_commitments(signed_in):
    customer = CustomerFactory()
    need = NeedFactory(customer=customer, title="Same-day certificates")
    requirement = RequirementFactory(customer=customer, title="Certificate on the day")
    commitment = CommitmentFactory(customer=customer, requirements=[requirement])

    page = signed_in.get(customer.get_absolute_url()).content.decode()

    for record in (need, requirement, commitment):
        assert record.get_absolute_url() in page


def test_changing_segments_shows_their_names_in_the_history(signed_in, quality_manager):
    customer = CustomerFactory()
    customer._history_user = quality_manager
    customer.segments.add(SegmentFactory(name="Healthcare"))

    page = signed_in.get(customer.get_absolute_url()).content.decode()

    assert "<ins>Healthcare</ins>" in page
    assert "{&#x27;customer&#x27;" not in page


@pytest.mark.parametrize(
    ("role", "can_edit"),
    [
        (Role.QUALITY_MANAGER, True),
        (Role.STAFF, False),
        (Role.TOP_MANAGEMENT, False),
        (Role.AUDITOR, False),
    ],
)
def test_quality_managers_edit_and_review_and_the_other_roles_read(client, role, can_edit):
    commitment = CommitmentFactory()
    requirement = commitment.requirements.get()
    client.force_login(UserFactory(role=role))

    for record in (commitment, requirement):
        assert client.get(record.get_absolute_url()).status_code == 200
    for url_name, record in [
        ("customers:commitment_review", commitment),
        ("customers:commitment_edit", commitment),
        ("customers:requirement_edit", requirement),
    ]:
        status = client.get(reverse(url_name, args=[record.pk])).status_code
        assert status == (200 if can_edit else 403)


def test_editing_a_commitment_shows_a_superseded_requirement_it_carries(signed_in, quality_manager):
    commitment = CommitmentFactory()
    requirement = commitment.requirements.get()
    for status in ("under_review", "accepted", "superseded"):
        requirement = services.requirement_set_status(
            requirement=requirement, by=quality_manager, status=status
        )

    form = signed_in.get(reverse("customers:commitment_edit", args=[commitment.pk])).context["form"]

    assert requirement in form.fields["requirements"].queryset
    response = signed_in.post(
        reverse("customers:commitment_edit", args=[commitment.pk]),
        {
            "kind": commitment.kind,
            "reference": commitment.reference,
            "title": "New title",
            "committed_on": "2026-12-15",
            "requirements": [requirement.pk],
            "reason": "Retitled",
        },
    )
    assert "rejected, superseded or voided" in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).version == 1


def test_the_review_form_shows_every_error_in_one_round(signed_in):
    commitment = CommitmentFactory()
    requirement = commitment.requirements.get()

    response = signed_in.post(
        reverse("customers:commitment_review", args=[commitment.pk]),
        {"reviewed_on": "2026-12-05", "outcome": "conditions", f"meet_{requirement.pk}": "no"},
    )

    page = response.content.decode()
    assert "A review cannot be dated in the future." in page
    assert "Record the conditions of the acceptance." in page
    assert not CommitmentReview.objects.exists()


def test_withdrawing_a_voided_commitment_says_why_it_cannot(signed_in, quality_manager):
    commitment = CommitmentFactory()
    record_void(record=commitment, by=quality_manager, reason="Entered twice")

    response = signed_in.post(
        reverse("customers:commitment_withdraw", args=[commitment.pk]), follow=True
    )

    assert response.status_code == 200
    assert "This commitment is voided." in response.content.decode()


def test_the_review_form_refuses_a_backdated_review_and_offers_only_the_allowed_dates(signed_in):
    commitment = CommitmentFactory(committed_on=date(2026, 12, 15))
    requirement = commitment.requirements.get()
    url = reverse("customers:commitment_review", args=[commitment.pk])

    page = signed_in.get(url).content.decode()
    assert 'min="2026-12-01"' in page
    assert 'max="2026-12-01"' in page

    response = signed_in.post(
        url, {"reviewed_on": "2019-01-01", "outcome": "accepted", f"meet_{requirement.pk}": "yes"}
    )

    assert (
        "The review cannot be dated before 2026-12-01, the day version 1 of the commitment "
        "was recorded." in response.content.decode()
    )
    assert not CommitmentReview.objects.exists()


def test_the_commitment_page_lists_reviews_in_the_order_recorded_with_both_dates(
    client, quality_manager
):
    commitment = CommitmentFactory(committed_on=date(2026, 12, 15))
    findings = [services.ItemFinding(requirement=commitment.requirements.get(), can_meet=True)]
    with time_machine.travel(datetime(2026, 12, 3, 15, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        services.commitment_review(
            commitment=commitment,
            by=quality_manager,
            reviewed_on=date(2026, 12, 3),
            outcome="accepted",
            findings=findings,
        )
    with time_machine.travel(datetime(2026, 12, 4, 9, 15, tzinfo=ZoneInfo("UTC")), tick=False):
        services.commitment_review(
            commitment=commitment,
            by=quality_manager,
            reviewed_on=date(2026, 12, 2),
            outcome="rejected",
            findings=findings,
        )
        client.force_login(quality_manager)
        page = client.get(commitment.get_absolute_url()).content.decode()

    later, earlier = page.index("Reviewed on 2026-12-02"), page.index("Reviewed on 2026-12-03")
    assert later < earlier
    assert "recorded 2026-12-04 09:15" in page
    assert "recorded 2026-12-03 15:30" in page
    assert "Latest review" in page[later - 400 : later]


def test_the_commitment_page_shows_each_requirement_status_and_why_it_cannot_be_made(
    signed_in, quality_manager
):
    draft = RequirementFactory(title="Calibrated within 5 days")
    accepted = RequirementFactory(title="Certificates in English", status="accepted")
    commitment = CommitmentFactory(requirements=[draft, accepted])
    services.commitment_review(
        commitment=commitment,
        by=quality_manager,
        reviewed_on=date(2026, 12, 1),
        outcome="accepted",
        findings=[services.ItemFinding(requirement=r, can_meet=True) for r in (draft, accepted)],
    )

    page = signed_in.get(commitment.get_absolute_url()).content.decode()

    carried = page[page.index('id="carried-heading"') : page.index('id="reviews-heading"')]
    assert carried.count("state-draft") == 1
    assert carried.count("state-accepted") == 1
    assert f"{draft.reference} is draft: accept it before the commitment is made." in page
    assert "Mark made" not in page


# Counts on the lists: right under every search, filter and sort ------------------


@pytest.fixture
def counted(quality_manager):
    """A need answered by three requirements, one of them carried by three commitments
    that each carry three requirements, and a change three people are asked about."""
    customer = CustomerFactory(name="Globex Industries", account_owner=quality_manager)
    product = ProductServiceFactory(name="Calibration")
    requirements = [
        RequirementFactory(
            customer=customer, product=product, title=f"Deliver item {n}", status="accepted"
        )
        for n in range(3)
    ]
    need = NeedFactory(customer=customer, title="Deliveries on time")
    need.requirements.add(*requirements)
    NeedFactory(customer=None, segment=SegmentFactory(), title="Deliveries").requirements.add(
        requirements[0]
    )
    commitments = [
        CommitmentFactory(
            customer=customer, requirements=requirements, reference=f"PO-77{n}", by=quality_manager
        )
        for n in range(3)
    ]
    asked = [UserFactory(role=Role.STAFF) for _ in range(2)]
    change = changed_with(requirements[0], quality_manager, asked)
    services.change_acknowledge(change=change, by=asked[0])
    return {"need": need, "requirement": requirements[0], "commitment": commitments[0]}


def changed_with(requirement, by, notify):
    requirement.text = "Deliver within 8 working days."
    return services.requirement_change(
        requirement=requirement, by=by, reason="Faster", notify=notify
    ).change


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Deliver"},
        {"q": "Globex", "kind": "stated", "status": "open"},
        {"q": "deliver", "customer": "CUSTOMER", "voided": "on"},
    ],
    ids=lambda p: "&".join(p) or "none",
)
def test_the_need_list_counts_each_requirement_once(signed_in, counted, params):
    query = {k: counted["need"].customer_id if v == "CUSTOMER" else v for k, v in params.items()}

    page = signed_in.get(reverse("customers:need_list"), query).context["page"]

    assert {n.title: n.requirement_count for n in page}["Deliveries on time"] == 3


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Deliver"},
        {"q": "deliver", "status": "under_review", "ordering": "-updated"},
        {"customer": "CUSTOMER", "owner": "OWNER", "ordering": "title", "voided": "on"},
    ],
    ids=lambda p: "&".join(p) or "none",
)
def test_the_requirement_list_counts_each_commitment_once(signed_in, counted, params):
    requirement = counted["requirement"]
    swap = {"CUSTOMER": requirement.customer_id, "OWNER": requirement.owner_id}
    query = {k: swap.get(v, v) for k, v in params.items()}

    page = signed_in.get(reverse("customers:requirement_list"), query).context["page"]

    assert {r.pk: r.commitment_count for r in page}[requirement.pk] == 3


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "PO-77"},
        {"q": "Globex", "kind": "order", "status": "draft", "flag": "not_reviewed"},
        {"q": "po-770", "customer": "CUSTOMER", "voided": "on"},
    ],
    ids=lambda p: "&".join(p) or "none",
)
def test_the_commitment_list_counts_each_requirement_once(signed_in, counted, params):
    commitment = counted["commitment"]
    query = {k: commitment.customer_id if v == "CUSTOMER" else v for k, v in params.items()}

    page = signed_in.get(reverse("customers:commitment_list"), query).context["page"]

    assert {c.pk: c.requirement_count for c in page}[commitment.pk] == 3


@pytest.mark.parametrize(
    "params",
    [{}, {"state": "outstanding"}, {"mine": "on"}, {"mine": "on", "state": "outstanding"}],
    ids=lambda p: "&".join(p) or "none",
)
def test_the_change_list_counts_each_acknowledgement_once(client, counted, params):
    change = counted["requirement"].changes.get()
    # The owner is asked too: the one change asks three people, one has acknowledged.
    client.force_login(change.requirement.owner)

    page = client.get(reverse("customers:change_list"), params).context["page"]

    assert [(c.asked, c.outstanding) for c in page] == [(3, 2)]


def test_changes_waiting_for_me_are_only_those_i_have_not_acknowledged(client, quality_manager):
    me, colleague = UserFactory(role=Role.STAFF), UserFactory(role=Role.STAFF)
    read = changed_with(RequirementFactory(title="Read already"), quality_manager, [me, colleague])
    waiting = changed_with(RequirementFactory(title="Still to read"), quality_manager, [me])
    changed_with(RequirementFactory(title="Not mine"), quality_manager, [colleague])
    services.change_acknowledge(change=read, by=me)
    client.force_login(me)

    listed = client.get(reverse("customers:change_list"), {"mine": "on", "state": "outstanding"})
    mine_only = client.get(reverse("customers:change_list"), {"mine": "on"})
    home = client.get("/").content.decode()

    assert list(listed.context["page"]) == [waiting]
    assert list(mine_only.context["page"]) == [waiting]
    assert 'href="/customers/changes/?mine=on&amp;state=outstanding">1</a>' in home
    assert selectors.requirements_summary(user_id=me.pk)["my_acknowledgements"] == 1


def test_saving_a_requirements_form_unchanged_writes_no_history_row(signed_in, quality_manager):
    requirement = RequirementFactory(claim="Fast.", customer=CustomerFactory())
    need = NeedFactory(customer=requirement.customer, description="On time, every time.")
    need.requirements.add(requirement)
    commitment = CommitmentFactory(customer=requirement.customer, requirements=[requirement])
    pages = [
        (requirement, reverse("customers:requirement_edit", args=[requirement.pk])),
        (need, reverse("customers:need_edit", args=[need.pk])),
        (commitment, reverse("customers:commitment_edit", args=[commitment.pk])),
    ]
    for record, url in pages:
        before = type(record).history.filter(id=record.pk).count()
        data = unchanged_post(signed_in.get(url).context["form"])

        signed_in.post(url, data)

        rows = type(record).history.filter(id=record.pk)
        assert rows.count() == before, f"{record._meta.verbose_name}: {list(rows)}"


def test_free_text_in_a_review_over_10000_characters_is_refused(signed_in):
    commitment = CommitmentFactory()
    requirement = commitment.requirements.get()
    url = reverse("customers:commitment_review", args=[commitment.pk])

    response = signed_in.post(
        url,
        {
            "reviewed_on": "2026-12-01",
            "outcome": "accepted",
            f"meet_{requirement.pk}": "yes",
            f"note_{requirement.pk}": "x" * 10_001,
            "differences": "word " * 2000 + "words",
        },
    )

    page = response.content.decode()
    assert page.count("Ensure this value has at most 10000 characters") == 2
    assert "maxlength" not in page
    assert not CommitmentReview.objects.exists()
