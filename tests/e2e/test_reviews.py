"""An auditor samples 8.2.3 in a browser: the reviews list filtered by a date range,
then downloaded as CSV with the same rows."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from core.roles import Role
from customers.models import CommitmentReview
from customers.requirements.exports import REVIEW_HEADER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_auditor_filters_the_reviews_by_date_and_downloads_them(page, visit, login_as):
    call_command("load_demo", force=True)
    reviews = CommitmentReview.objects.select_related("commitment__customer")
    days = sorted({review.reviewed_on for review in reviews})
    # From the second review day on, so that the range leaves a review out when it can.
    start, end = (days[1] if len(days) > 1 else days[0]), days[-1]
    expected = [
        review
        for review in reviews.order_by("-reviewed_on", "-created_at", "-pk")
        if start <= review.reviewed_on <= end
    ]
    assert expected
    if len(days) > 1:
        assert len(expected) < reviews.count()
    login_as(Role.AUDITOR)

    visit("/customers/commitments/?ordering=-reviewed", name="commitments")
    page.get_by_role("link", name="See every review").click()
    visit(name="reviews")
    table = page.get_by_role("table", name="Commitment reviews matching the filters")
    assert table.locator("tbody tr").count() == reviews.count()

    page.get_by_label("Review date from").fill(start.isoformat())
    page.get_by_label("Review date to").fill(end.isoformat())
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**date_from=**")
    visit(name="reviews-filtered")

    rows = table.locator("tbody tr")
    assert rows.count() == len(expected)
    for row, review in zip(rows.all(), expected, strict=True):
        cells = row.locator("td")
        assert cells.nth(0).inner_text() == review.reviewed_on.isoformat()
        assert cells.nth(3).inner_text().startswith(review.get_outcome_display())
        assert review.commitment.reference in cells.nth(4).inner_text()
        assert cells.nth(5).inner_text() == review.commitment.get_kind_display()
        assert cells.nth(6).inner_text() == review.commitment.customer.name

    with page.expect_download() as started:
        page.get_by_role("link", name="Download these reviews (CSV)").click()
    download = started.value
    assert download.suggested_filename.startswith("commitment-reviews-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))

    assert header == REVIEW_HEADER
    column = {name: index for index, name in enumerate(header)}
    assert [
        (line[column["review_date"]], line[column["commitment_reference"]]) for line in lines
    ] == [(r.reviewed_on.isoformat(), r.commitment.reference) for r in expected]
    assert [line[column["customer"]] for line in lines] == [
        r.commitment.customer.name for r in expected
    ]
    assert [line[column["outcome"]] for line in lines] == [
        r.get_outcome_display() for r in expected
    ]
