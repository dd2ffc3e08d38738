"""Read queries of the needs, requirements and commitments pages, and version diffs."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import User
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


def recheck_overdue(today: date | None = None) -> Q:
    """Return the condition of a requirement whose law or standard is overdue a check."""
    return Q(recheck_due__lt=today or timezone.localdate()) & ~Q(
        status__in=[Requirement.Status.REJECTED, Requirement.Status.SUPERSEDED]
    )


def requirements_due_for_recheck(today: date | None = None) -> QuerySet[Requirement]:
    """Return the requirements whose law or standard is due to be checked again."""
    return Requirement.objects.active().filter(recheck_overdue(today))


def need_list() -> QuerySet[Need]:
    return Need.objects.select_related("customer", "segment").annotate(
        requirement_count=Count("requirements", distinct=True)
    )


def requirement_list() -> QuerySet[Requirement]:
    return Requirement.objects.select_related("product", "customer", "owner").annotate(
        commitment_count=Count("commitments", distinct=True)
    )


def flagged_commitments() -> Q:
    """Return the condition of a flagged commitment: its review reopened by a change, or
    made while its latest review does not accept it."""
    return Q(current_review__reopened_at__isnull=False) | Q(
        status=Commitment.Status.MADE,
        current_review__outcome=CommitmentReview.Outcome.REJECTED,
    )


def commitment_list() -> QuerySet[Commitment]:
    return Commitment.objects.select_related("customer", "current_review").annotate(
        requirement_count=Count("requirements", distinct=True)
    )


def change_list() -> QuerySet[Change]:
    return Change.objects.select_related(
        "requirement", "commitment__customer", "changed_by"
    ).annotate(
        asked=Count("acknowledgements", distinct=True),
        outstanding=Count(
            "acknowledgements",
            filter=Q(acknowledgements__acknowledged_at__isnull=True),
            distinct=True,
        ),
    )


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


# Versions side by side --------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    label: Any
    old: Any
    new: Any

    @property
    def changed(self) -> bool:
        return self.old != self.new


REQUIREMENT_ROWS = [
    (_("Title"), lambda v: v.title),
    (_("Requirement"), lambda v: v.text),
    (_("Category"), lambda v: v.get_category_display()),
    (_("Claim"), lambda v: v.claim),
    (_("Product or service"), lambda v: v.product.name),
    (_("Customer"), lambda v: v.customer.name if v.customer else _("Every customer")),
    (_("Law or standard"), lambda v: v.source),
    (_("Clause"), lambda v: v.source_clause),
]

COMMITMENT_ROWS = [
    (_("Kind"), lambda v: v.get_kind_display()),
    (_("Reference"), lambda v: v.reference),
    (_("Title"), lambda v: v.title),
    (_("Terms and scope"), lambda v: v.description),
    (_("Commitment date"), lambda v: v.committed_on.isoformat()),
    (
        _("Requirements it carries"),
        lambda v: "\n".join(
            f"{r['reference']} {r['title']} (v{r['version']})" for r in v.requirements
        ),
    ),
]


def diff(rows: list[tuple[Any, Any]], old: Any, new: Any) -> list[DiffRow]:
    """Return the rows of two versions side by side; ``old`` may be None."""
    return [
        DiffRow(label, getter(old) if old is not None else "", getter(new))
        for label, getter in rows
    ]


def pick_versions(versions: list[Any], a: str | None, b: str | None) -> tuple[Any, Any]:
    """Return the two versions to compare: those asked for, else the last two."""
    by_number = {v.number: v for v in versions}
    numbers = sorted(by_number)

    def pick(value: str | None, default: int | None) -> Any:
        if value and value.isdigit() and int(value) in by_number:
            return by_number[int(value)]
        return by_number.get(default) if default is not None else None

    newest = numbers[-1] if numbers else None
    previous = numbers[-2] if len(numbers) > 1 else None
    old, new = pick(a, previous), pick(b, newest)
    if old is not None and new is not None and old.number > new.number:
        old, new = new, old
    return old, new
