"""CSV exports of the commitments and their reviews (8.2.3), for auditors to sample.

One row per record the list shows for the same filters; the cells go through
``core.exports`` (formula escaping, the BOM) like every register's exports. Dates are
ISO dates, times the local time with its offset, choices their labels.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from core.exports import yes_no
from customers.models import Commitment, CommitmentReview

REVIEW_HEADER = [
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
]

COMMITMENT_HEADER = [
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
]


def _moment(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def review_rows(reviews: QuerySet[CommitmentReview]) -> Iterator[list[Any]]:
    for review in reviews.iterator(chunk_size=2000):
        commitment = review.commitment
        cells = {
            "review_date": _day(review.reviewed_on),
            "recorded_at": _moment(review.created_at),
            "reviewer": str(review.reviewer),
            "reviewer_email": review.reviewer.email,
            "outcome": review.get_outcome_display(),
            "conditions": review.conditions,
            "commitment_kind": commitment.get_kind_display(),
            "commitment_reference": commitment.reference,
            "commitment_title": commitment.title,
            "commitment_version_reviewed": review.commitment_version,
            "customer": commitment.customer.name,
            "reopened_at": _moment(review.reopened_at),
        }
        yield [cells[column] for column in REVIEW_HEADER]


def commitment_rows(commitments: QuerySet[Commitment]) -> Iterator[list[Any]]:
    for commitment in commitments.iterator(chunk_size=2000):
        review = commitment.current_review
        cells = {
            "reference": commitment.reference,
            "kind": commitment.get_kind_display(),
            "title": commitment.title,
            "customer": commitment.customer.name,
            "commitment_date": _day(commitment.committed_on),
            "version": commitment.version,
            "status": commitment.get_status_display(),
            "requirements": "; ".join(
                r.reference for r in sorted(commitment.requirements.all(), key=lambda r: r.pk)
            ),
            "review_date": _day(review.reviewed_on) if review else "",
            "reviewer": str(review.reviewer) if review else "",
            "outcome": review.get_outcome_display() if review else "",
            "review_reopened": yes_no(commitment.review_reopened) if review else "",
            "made_on": _day(timezone.localdate(commitment.made_at)) if commitment.made_at else "",
            "made_by": str(commitment.made_by) if commitment.made_by else "",
            "voided": yes_no(commitment.is_voided),
        }
        yield [cells[column] for column in COMMITMENT_HEADER]
