"""Read queries of the needs, requirements and commitments pages, and version diffs."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.expressions import count_of
from core.models import User
from core.params import positive_int
from customers.models import (
    Acknowledgement,
    Change,
    Commitment,
    CommitmentReview,
    CommitmentVersion,
    Need,
    Requirement,
    RequirementVersion,
    ReviewItem,
)


def acknowledgers() -> QuerySet[User]:
    """Return the people who may be asked to acknowledge a change (not auditors)."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(
                groups__permissions__codename="acknowledge_change",
                groups__permissions__content_type__app_label="customers",
            )
        )
        .distinct()
        .order_by("full_name", "email")
    )


# The lists' counts are subqueries per row shown (``core.expressions.count_of``): a
# ``Count`` over the join would count for every row of the register, then page.
NeedRequirement = Need.requirements.through
CommitmentRequirement = Commitment.requirements.through


def need_list() -> QuerySet[Need]:
    return Need.objects.select_related("customer", "segment").annotate(
        requirement_count=count_of(NeedRequirement.objects.all(), to="need")
    )


def requirement_list() -> QuerySet[Requirement]:
    return Requirement.objects.select_related("product", "customer", "owner").annotate(
        commitment_count=count_of(CommitmentRequirement.objects.all(), to="requirement")
    )


def commitment_list() -> QuerySet[Commitment]:
    """Return the commitments with their customer, latest review and its reviewer."""
    return Commitment.objects.select_related("customer", "current_review__reviewer").annotate(
        requirement_count=count_of(CommitmentRequirement.objects.all(), to="commitment")
    )


def commitment_export() -> QuerySet[Commitment]:
    """Return what the commitments' CSV reads: the list's rows and the references of the
    requirements each carries."""
    return commitment_list().select_related("made_by").prefetch_related("requirements")


def review_list() -> QuerySet[CommitmentReview]:
    """Return every review of a commitment (8.2.3) with its commitment, customer and
    reviewer: the rows an auditor samples."""
    return CommitmentReview.objects.select_related("commitment__customer", "reviewer")


def reviewers() -> QuerySet[User]:
    """Return the people who have reviewed a commitment, by name."""
    return User.objects.filter(pk__in=CommitmentReview.objects.values("reviewer")).order_by(
        "full_name", "email"
    )


def change_list() -> QuerySet[Change]:
    return Change.objects.select_related(
        "requirement", "commitment__customer", "changed_by"
    ).annotate(
        asked=count_of(Acknowledgement.objects.all(), to="change"),
        outstanding=count_of(
            Acknowledgement.objects.filter(acknowledged_at__isnull=True), to="change"
        ),
    )


def needs_matching(text: str, needs: QuerySet[Need]) -> QuerySet[Need]:
    """Return the needs whose title, description, party or customer contains the text.

    The needs list's search and the header search both read it.
    """
    text = text.strip()
    if not text:
        return needs
    return needs.filter(
        Q(title__icontains=text)
        | Q(description__icontains=text)
        | Q(other_party__icontains=text)
        | Q(customer__name__icontains=text)
    )


# "REQ-0004", "req 4", "REQ4" or a bare "4".
REQUIREMENT_REFERENCE = re.compile(r"^(?:REQ[\s-]*)?0*(\d{1,9})$", re.IGNORECASE | re.ASCII)


def requirement_number(text: str) -> int | None:
    """Return the id a requirement's reference names ("REQ-0004", "req 4"), if it is one."""
    reference = REQUIREMENT_REFERENCE.match(text.strip())
    return positive_int(reference.group(1)) if reference else None


def requirements_matching(text: str, requirements: QuerySet[Requirement]) -> QuerySet[Requirement]:
    """Return the requirements the text names: by reference ("REQ-0004", "req 4") or by
    words of the title, text, claim or source; a bare number finds both."""
    text = text.strip()
    if not text:
        return requirements
    words = Q()
    for field in ("title", "text", "claim", "source"):
        words |= Q(**{f"{field}__icontains": text})
    reference = REQUIREMENT_REFERENCE.match(text)
    if reference is None:
        return requirements.filter(words)
    by_reference = Q(pk=int(reference.group(1)))
    return requirements.filter(by_reference | words if positive_int(text) else by_reference)


def commitments_matching(text: str, commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Return the commitments whose reference, title or customer's name contains the text."""
    text = text.strip()
    if not text:
        return commitments
    return commitments.filter(
        Q(reference__icontains=text) | Q(title__icontains=text) | Q(customer__name__icontains=text)
    )


def need_search(text: str) -> QuerySet[Need]:
    """The header search's needs: the active ones that match, by title."""
    return needs_matching(
        text, Need.objects.active().select_related("customer", "segment")
    ).order_by("title", "pk")


def requirement_search(text: str) -> QuerySet[Requirement]:
    """The header search's requirements: the active ones that match, by reference."""
    return requirements_matching(
        text, Requirement.objects.active().select_related("product", "customer")
    ).order_by("pk")


def commitment_search(text: str) -> QuerySet[Commitment]:
    """The header search's commitments: the active ones that match, newest first."""
    return commitments_matching(
        text, Commitment.objects.active().select_related("customer")
    ).order_by("-committed_on", "reference")


def _acknowledgements() -> Prefetch:
    return Prefetch("acknowledgements", queryset=Acknowledgement.objects.select_related("person"))


def requirement_detail(pk: int) -> Requirement:
    return (
        Requirement.objects.select_related("product", "customer", "owner", "voided_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=RequirementVersion.objects.select_related(
                    "product", "customer", "created_by"
                ),
            ),
            Prefetch("needs", queryset=Need.objects.select_related("customer", "segment")),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("customer", "current_review"),
            ),
            Prefetch(
                "changes",
                queryset=Change.objects.select_related("changed_by").prefetch_related(
                    _acknowledgements()
                ),
            ),
        )
        .get(pk=pk)
    )


def commitment_detail(pk: int) -> Commitment:
    return (
        Commitment.objects.select_related(
            "customer__account_owner", "current_review__reviewer", "made_by", "voided_by"
        )
        .prefetch_related(
            Prefetch(
                "requirements", queryset=Requirement.objects.select_related("product", "owner")
            ),
            Prefetch("versions", queryset=CommitmentVersion.objects.select_related("created_by")),
            Prefetch(
                "reviews",
                queryset=CommitmentReview.objects.select_related(
                    "reviewer", "reopened_by"
                ).prefetch_related(
                    Prefetch("items", queryset=ReviewItem.objects.select_related("requirement"))
                ),
            ),
            Prefetch(
                "changes",
                queryset=Change.objects.select_related("changed_by").prefetch_related(
                    _acknowledgements()
                ),
            ),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class ReviewDates:
    """The dates a review of a commitment may carry: from the day the version it
    reviews was recorded (local date) to today."""

    earliest: date
    latest: date
    version: int

    def refusal(self, reviewed_on: date) -> str | None:
        """Return why a review cannot carry this date, or None when it can."""
        if reviewed_on > self.latest:
            return _("A review cannot be dated in the future.")
        if reviewed_on < self.earliest:
            return _(
                "The review cannot be dated before %(earliest)s, the day version %(version)d "
                "of the commitment was recorded."
            ) % {"earliest": self.earliest.isoformat(), "version": self.version}
        return None


def review_dates(commitment: Commitment) -> ReviewDates:
    """Return the dates a review of the commitment's current version may carry.

    The one rule the review form and ``commitment_review`` both apply: a review is not
    dated before the version it reviews existed, nor after today.
    """
    recorded = (
        CommitmentVersion.objects.filter(commitment=commitment, number=commitment.version)
        .values_list("created_at", flat=True)
        .get()
    )
    return ReviewDates(
        earliest=timezone.localdate(recorded),
        latest=timezone.localdate(),
        version=commitment.version,
    )


def commitment_blockers(commitment: Commitment) -> list[str]:
    """Return why the commitment cannot be marked made now; empty when it can.

    It is made only after a review that accepts its current version, is not reopened
    and is dated on or before the commitment, and when every requirement it carries
    is accepted; each blocker says which record stands in the way.
    """
    if commitment.status != Commitment.Status.DRAFT:
        return [_("Only a commitment not yet made can be marked made.")]
    review = commitment.current_review
    if review is None:
        return [_("Review the commitment first.")]
    blockers = []
    if review.reopened_at is not None:
        blockers.append(_("A change reopened the review: review the commitment again."))
    if not review.accepts:
        blockers.append(_("The latest review did not accept the commitment."))
    if review.reviewed_on > commitment.committed_on:
        blockers.append(
            _("The review (%(review)s) is dated after the commitment date (%(commitment)s).")
            % {"review": review.reviewed_on, "commitment": commitment.committed_on}
        )
    if review.commitment_version != commitment.version:
        blockers.append(_("The review covers an earlier version of the commitment."))
    carried = list(commitment.requirements.all())
    if not carried:
        blockers.append(_("The commitment carries no requirement."))
    reviewed = {item.requirement_id: item.requirement_version for item in review.items.all()}
    stale = [r.reference for r in carried if reviewed.get(r.pk) != r.version]
    if stale:
        blockers.append(
            _("The review does not cover the current version of %(refs)s.")
            % {"refs": ", ".join(stale)}
        )
    closed = [r.reference for r in carried if r.is_locked]
    if closed:
        blockers.append(
            _("%(refs)s is rejected, superseded or voided: take it off the commitment.")
            % {"refs": ", ".join(closed)}
        )
    # What the organisation commits to is what it has accepted (8.2.3).
    blockers += [
        _("%(ref)s is %(status)s: accept it before the commitment is made.")
        % {"ref": r.reference, "status": r.get_status_display().lower()}
        for r in carried
        if not r.is_locked and r.status != Requirement.Status.ACCEPTED
    ]
    return blockers


def requirements_summary(*, user_id: int | None) -> dict[str, Any]:
    """Return the flags the home page shows: what needs a check, a review or a reading."""
    commitments = Commitment.objects.active().aggregate(
        reopened=Count("pk", filter=Commitment.needs_review_again_q()),
        unreviewed=Count("pk", filter=Commitment.not_reviewed_q()),
    )
    return {
        "recheck_due": Requirement.objects.recheck_due().count(),
        "commitments": commitments,
        "my_acknowledgements": Change.objects.waiting_for(user_id).count(),
    }


def need_detail(pk: int) -> Need:
    """Return a need with the requirements that answer it, by reference."""
    return (
        Need.objects.select_related("customer", "segment", "voided_by")
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=Requirement.objects.select_related("product").order_by("pk"),
            )
        )
        .get(pk=pk)
    )


def need_to_answer(pk: str) -> Need | None:
    """Return the need a new requirement is to answer (from the address), if it may
    still get one: it exists and is neither closed nor voided."""
    if (number := positive_int(pk)) is None:
        return None
    return (
        Need.objects.active()
        .exclude(status=Need.Status.CLOSED)
        .filter(pk=number)
        .only("pk", "customer_id")
        .first()
    )


def requirements_to_review(commitment: Commitment) -> list[Requirement]:
    """Return the requirements a review of the commitment finds on, by title."""
    return list(commitment.requirements.select_related("product").order_by("title"))


@dataclass(frozen=True)
class ChangeDetail:
    """A change with the two versions it compares and who was asked to acknowledge it."""

    change: Change
    old: Any
    new: Any
    acknowledgements: list[Acknowledgement]
    reopened: list[CommitmentReview]


def change_detail(pk: int) -> ChangeDetail:
    change = Change.objects.select_related("requirement", "commitment__customer", "changed_by").get(
        pk=pk
    )
    related = ("product", "customer") if change.requirement_id else ()
    versions = {
        v.number: v
        for v in change.subject.versions.filter(
            number__in=[change.from_version, change.to_version]
        ).select_related(*related)
    }
    return ChangeDetail(
        change=change,
        old=versions.get(change.from_version),
        new=versions[change.to_version],
        acknowledgements=list(change.acknowledgements.select_related("person")),
        reopened=list(change.reopened_reviews.select_related("commitment")),
    )
