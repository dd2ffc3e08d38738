"""What an auditor samples for 8.2.3: the list of commitment reviews and the commitments
list with its latest review, each filtered, sorted, paged and downloaded as CSV."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from core.roles import Role
from customers.models import Commitment, CommitmentReview, Requirement
from customers.requirements import services
from tests.factories import CommitmentFactory, CustomerFactory, RequirementFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.combine(TODAY, time(10), tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def signed_in(client, quality_manager):
    client.force_login(quality_manager)
    return client


def at(day, hour=9):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=UTC), tick=False)


def accepted_requirement(by):
    requirement = RequirementFactory()
    for status in (Requirement.Status.UNDER_REVIEW, Requirement.Status.ACCEPTED):
        requirement = services.requirement_set_status(requirement=requirement, by=by, status=status)
    return requirement


def reviewed(
    by,
    *,
    on,
    recorded=None,
    outcome="accepted",
    customer=None,
    kind=Commitment.Kind.ORDER,
    reference=None,
    conditions="",
    committed_on=None,
):
    """A commitment recorded on the review day (so the review is never dated before the
    version it reviews) and a review dated ``on``, recorded on ``recorded``."""
    with at(on, 8):
        extra = {"reference": reference} if reference else {}
        commitment = CommitmentFactory(
            customer=customer or CustomerFactory(),
            kind=kind,
            requirements=[accepted_requirement(by)],
            committed_on=committed_on or on + timedelta(days=14),
            by=by,
            **extra,
        )
    with at(recorded or on):
        commitment.refresh_from_db()
        return services.commitment_review(
            commitment=commitment,
            by=by,
            reviewed_on=on,
            outcome=outcome,
            conditions=conditions,
            findings=[
                services.ItemFinding(requirement=r, can_meet=True)
                for r in commitment.requirements.all()
            ],
        )


def listed(client, url_name, params=None):
    response = client.get(reverse(url_name), params or {})
    assert response.status_code == 200
    return response, list(response.context["page"])


def downloaded(client, url_name, params=None):
    response = client.get(reverse(url_name), params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return response, list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


# The reviews list ----------------------------------------------------------------------


def test_each_review_shows_its_date_when_it_was_recorded_reviewer_outcome_commitment_and_customer(
    signed_in, quality_manager
):
    quality_manager.full_name = "Meera Quality"
    quality_manager.save()
    review = reviewed(
        quality_manager,
        on=date(2026, 11, 10),
        recorded=date(2026, 11, 12),
        outcome=CommitmentReview.Outcome.CONDITIONS,
        conditions="The manual follows in 30 days.",
        customer=CustomerFactory(name="Kerala Water Board"),
        kind=Commitment.Kind.CONTRACT,
        reference="KWB/2026/W50-04",
    )

    response, rows = listed(signed_in, "customers:review_list")

    assert rows == [review]
    page = response.content.decode()
    assert '<time datetime="2026-11-10">2026-11-10</time>' in page
    assert '<time datetime="2026-11-12T09:00:00+00:00">2026-11-12 09:00</time>' in page
    assert "Meera Quality" in page
    assert "Accepted with conditions" in page
    assert "The manual follows in 30 days." in page
    assert f'href="{review.commitment.get_absolute_url()}">KWB/2026/W50-04</a>' in page
    assert "<td>Contract</td>" in page
    assert f'href="{review.commitment.customer.get_absolute_url()}">Kerala Water Board</a>' in page


def test_the_date_range_keeps_the_reviews_dated_within_it_both_days_included(
    signed_in, quality_manager
):
    by_day = {
        day: reviewed(quality_manager, on=day)
        for day in [date(2026, 11, 1), date(2026, 11, 10), date(2026, 11, 20), date(2026, 11, 30)]
    }

    _, rows = listed(
        signed_in, "customers:review_list", {"date_from": "2026-11-10", "date_to": "2026-11-20"}
    )
    _, since = listed(signed_in, "customers:review_list", {"date_from": "2026-11-20"})
    _, until = listed(signed_in, "customers:review_list", {"date_to": "2026-11-01"})

    assert rows == [by_day[date(2026, 11, 20)], by_day[date(2026, 11, 10)]]
    assert since == [by_day[date(2026, 11, 30)], by_day[date(2026, 11, 20)]]
    assert until == [by_day[date(2026, 11, 1)]]


def test_a_range_that_ends_before_it_starts_says_so_and_lists_and_downloads_nothing(
    signed_in, quality_manager
):
    reviewed(quality_manager, on=date(2026, 11, 15))
    backwards = {"date_from": "2026-11-20", "date_to": "2026-11-10"}

    response, rows = listed(signed_in, "customers:review_list", backwards)

    assert rows == []
    assert "The range ends (2026-11-10) before it starts (2026-11-20)" in response.content.decode()
    download = signed_in.get(reverse("customers:review_export"), backwards, follow=True)
    assert download.redirect_chain[0][0] == (
        reverse("customers:review_list") + "?date_from=2026-11-20&date_to=2026-11-10"
    )
    page = download.content.decode()
    assert "Correct the filters before downloading the list." in page
    assert "The range ends (2026-11-10) before it starts (2026-11-20)" in page


def test_a_date_that_is_not_one_is_refused_with_a_message(signed_in, quality_manager):
    reviewed(quality_manager, on=date(2026, 11, 15))

    response, rows = listed(signed_in, "customers:review_list", {"date_from": "2026-13-45"})

    assert rows == []
    assert "Enter a valid date." in response.content.decode()


def test_reviews_filter_by_outcome_reviewer_kind_and_part_of_the_customer_name(
    signed_in, quality_manager
):
    other = UserFactory(role=Role.QUALITY_MANAGER)
    sharma = reviewed(
        quality_manager, on=date(2026, 11, 2), customer=CustomerFactory(name="Sharma Tools")
    )
    rejected = reviewed(other, on=date(2026, 11, 3), outcome="rejected", kind=Commitment.Kind.QUOTE)
    kept = reviewed(other, on=date(2026, 11, 4), customer=CustomerFactory(name="Apollo Labs"))

    assert listed(signed_in, "customers:review_list", {"outcome": "rejected"})[1] == [rejected]
    assert listed(signed_in, "customers:review_list", {"reviewer": other.pk})[1] == [
        kept,
        rejected,
    ]
    assert listed(signed_in, "customers:review_list", {"kind": "quote"})[1] == [rejected]
    assert listed(signed_in, "customers:review_list", {"customer": " sharma "})[1] == [sharma]
    assert listed(signed_in, "customers:review_list", {"customer": "apollo", "reviewer": other.pk})[
        1
    ] == [kept]


def test_the_reviewer_choices_are_the_people_who_reviewed_and_the_customer_is_typed(
    signed_in, quality_manager
):
    UserFactory(role=Role.QUALITY_MANAGER, full_name="Never Reviewed")
    CustomerFactory(name="Customer without reviews")
    reviewed(quality_manager, on=date(2026, 11, 2))

    response, _ = listed(signed_in, "customers:review_list")

    form = response.context["filter"].form
    assert [user.pk for user in form.fields["reviewer"].queryset] == [quality_manager.pk]
    assert form.fields["customer"].widget.input_type == "text"
    page = response.content.decode()
    assert "Never Reviewed" not in page
    assert "Customer without reviews" not in page


def test_reviews_sort_by_review_date_when_recorded_outcome_and_customer(signed_in, quality_manager):
    # Dated early but recorded late, and the other way round.
    late = reviewed(
        quality_manager,
        on=date(2026, 11, 2),
        recorded=date(2026, 11, 25),
        outcome="rejected",
        customer=CustomerFactory(name="Bharat Pumps"),
    )
    early = reviewed(
        quality_manager,
        on=date(2026, 11, 12),
        outcome="accepted",
        customer=CustomerFactory(name="Zenith Foods"),
    )
    middle = reviewed(
        quality_manager,
        on=date(2026, 11, 14),
        recorded=date(2026, 11, 20),
        outcome="conditions",
        conditions="Two lots.",
        customer=CustomerFactory(name="Apollo Labs"),
    )

    def order(ordering=None):
        params = {"ordering": ordering} if ordering else {}
        return listed(signed_in, "customers:review_list", params)[1]

    assert order() == [middle, early, late]
    assert order("date") == [late, early, middle]
    assert order("-date") == [middle, early, late]
    assert order("recorded") == [early, middle, late]
    assert order("-recorded") == [late, middle, early]
    assert order("outcome") == [early, middle, late]
    assert order("customer") == [middle, late, early]
    assert order("-customer") == [early, late, middle]


def test_the_reviews_list_pages_25_rows_and_the_download_holds_every_filtered_row(
    signed_in, quality_manager
):
    for n in range(30):
        reviewed(quality_manager, on=date(2026, 11, 1) + timedelta(days=n % 28))

    response, first = listed(signed_in, "customers:review_list")
    _, second = listed(signed_in, "customers:review_list", {"page": 2})
    _, table = downloaded(signed_in, "customers:review_export")

    assert len(first) == 25
    assert len(second) == 5
    assert "30 records" in response.content.decode()
    assert len(table) == 31


def test_the_reviews_csv_holds_the_rows_the_filters_select_with_formula_cells_escaped(
    signed_in, quality_manager
):
    quality_manager.full_name = "Meera Quality"
    quality_manager.save()
    wanted = reviewed(
        quality_manager,
        on=date(2026, 11, 10),
        recorded=date(2026, 11, 11),
        outcome="conditions",
        conditions="@SUM(A1) first",
        customer=CustomerFactory(name='=HYPERLINK("http://evil.example")'),
        kind=Commitment.Kind.CONTRACT,
        reference="-2+3",
    )
    reviewed(quality_manager, on=date(2026, 11, 20))

    response, table = downloaded(
        signed_in, "customers:review_export", {"date_from": "2026-11-01", "date_to": "2026-11-15"}
    )

    assert response["Content-Disposition"] == (
        'attachment; filename="commitment-reviews-2026-12-01.csv"'
    )
    assert table == [
        [
            "review_date",
            "recorded_at",
            "reviewer",
            "reviewer_email",
            "outcome",
            "conditions",
            "commitment_kind",
            "commitment_reference",
            "commitment_title",
            "commitment_version_reviewed",
            "customer",
            "reopened_at",
        ],
        [
            "2026-11-10",
            "2026-11-11T09:00:00+00:00",
            "Meera Quality",
            quality_manager.email,
            "Accepted with conditions",
            "'@SUM(A1) first",
            "Contract",
            "'-2+3",
            wanted.commitment.title,
            "1",
            '\'=HYPERLINK("http://evil.example")',
            "",
        ],
    ]


def test_the_reviews_list_is_linked_from_the_requirements_pages(signed_in):
    for url_name in ["customers:need_list", "customers:commitment_list"]:
        page = signed_in.get(reverse(url_name)).content.decode()
        assert f'href="{reverse("customers:review_list")}"' in page, url_name


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.name.lower())
def test_every_role_that_reads_commitments_reads_and_downloads_the_reviews(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get(reverse("customers:review_list")).status_code == 200
    assert client.get(reverse("customers:review_export")).status_code == 200
    assert client.get(reverse("customers:commitment_export")).status_code == 200


# The commitments list -----------------------------------------------------------------


def test_each_commitment_shows_its_latest_review_reviewer_outcome_and_the_date_it_was_made(
    signed_in, quality_manager
):
    quality_manager.full_name = "Meera Quality"
    quality_manager.save()
    review = reviewed(quality_manager, on=date(2026, 11, 10), committed_on=date(2026, 11, 20))
    with at(date(2026, 11, 18)):
        made = services.commitment_make(commitment=review.commitment, by=quality_manager)
    unreviewed = CommitmentFactory(reference="Q-UNREVIEWED")

    response, rows = listed(signed_in, "customers:commitment_list")

    assert set(rows) == {made, unreviewed}
    page = response.content.decode()
    for column in ["Review date", "Reviewer", "Outcome", "Date made"]:
        assert f'<th scope="col">{column}</th>' in page
    assert '<time datetime="2026-11-10">2026-11-10</time>' in page
    assert "Meera Quality" in page
    assert '<time datetime="2026-11-18T09:00:00+00:00">2026-11-18</time>' in page
    assert "Not reviewed" in page


def test_commitments_filter_by_a_commitment_date_range_and_refuse_a_backwards_one(
    signed_in, quality_manager
):
    days = [date(2026, 12, 5), date(2026, 12, 10), date(2026, 12, 20)]
    by_day = {day: CommitmentFactory(committed_on=day) for day in days}

    _, rows = listed(
        signed_in, "customers:commitment_list", {"date_from": "2026-12-05", "date_to": "2026-12-10"}
    )
    response, backwards = listed(
        signed_in, "customers:commitment_list", {"date_from": "2026-12-20", "date_to": "2026-12-05"}
    )

    assert rows == [by_day[date(2026, 12, 10)], by_day[date(2026, 12, 5)]]
    assert backwards == []
    assert "The range ends (2026-12-05) before it starts (2026-12-20)" in response.content.decode()


def test_commitments_sort_by_date_customer_review_date_and_date_made_without_dates_last(
    signed_in, quality_manager
):
    made_review = reviewed(
        quality_manager,
        on=date(2026, 11, 2),
        committed_on=date(2026, 11, 30),
        customer=CustomerFactory(name="Zenith Foods"),
    )
    with at(date(2026, 11, 3)):
        made = services.commitment_make(commitment=made_review.commitment, by=quality_manager)
    reviewed_only = reviewed(
        quality_manager,
        on=date(2026, 11, 20),
        committed_on=date(2026, 12, 24),
        customer=CustomerFactory(name="Apollo Labs"),
    ).commitment
    bare = CommitmentFactory(
        committed_on=date(2026, 12, 10), customer=CustomerFactory(name="Metro Rail")
    )

    def order(ordering=None):
        params = {"ordering": ordering} if ordering else {}
        return listed(signed_in, "customers:commitment_list", params)[1]

    assert order() == [reviewed_only, bare, made]
    assert order("date") == [made, bare, reviewed_only]
    assert order("customer") == [reviewed_only, bare, made]
    assert order("reviewed") == [made, reviewed_only, bare]
    assert order("-reviewed") == [reviewed_only, made, bare]
    # Ties (no date) keep the order they were recorded in, after every dated row.
    assert order("made") == [made, reviewed_only, bare]
    assert order("-made") == [made, reviewed_only, bare]


def test_the_commitments_csv_holds_the_filtered_rows_with_their_latest_review(
    signed_in, quality_manager
):
    quality_manager.full_name = "Meera Quality"
    quality_manager.save()
    review = reviewed(
        quality_manager,
        on=date(2026, 11, 10),
        committed_on=date(2026, 11, 20),
        customer=CustomerFactory(name="+cmd|' /C calc'!A0"),
        reference="PO-2026-7",
    )
    with at(date(2026, 11, 18)):
        made = services.commitment_make(commitment=review.commitment, by=quality_manager)
    CommitmentFactory(committed_on=date(2026, 12, 24))
    carried = made.requirements.get()

    response, table = downloaded(
        signed_in, "customers:commitment_export", {"date_to": "2026-11-30", "ordering": "made"}
    )

    assert response["Content-Disposition"] == 'attachment; filename="commitments-2026-12-01.csv"'
    assert table == [
        [
            "reference",
            "kind",
            "title",
            "customer",
            "commitment_date",
            "version",
            "status",
            "requirements",
            "review_date",
            "reviewer",
            "outcome",
            "review_reopened",
            "made_on",
            "made_by",
            "voided",
        ],
        [
            "PO-2026-7",
            "Order",
            made.title,
            "'+cmd|' /C calc'!A0",
            "2026-11-20",
            "1",
            "Made",
            carried.reference,
            "2026-11-10",
            "Meera Quality",
            "Accepted",
            "no",
            "2026-11-18",
            "Meera Quality",
            "no",
        ],
    ]
