"""Writes to the needs, requirements and commitments registers (4.2, 8.2.2-8.2.4).

The gates live here: a commitment is made only after a review that accepts it, dated
on or before the commitment; a change to a requirement or a commitment makes a new
version, reopens the reviews it affects and asks the people concerned to acknowledge
it, by email.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.email import email_send
from core.models import User
from core.records import TransitionNotAllowedError, VoidableModel
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
from customers.requirements_selectors import acknowledgers, requirements_due_for_recheck


def _history_user(record: Any, by: User) -> None:
    record._history_user = by


def _refuse_if_locked(record: VoidableModel) -> None:
    if getattr(record, "is_locked", False) or record.is_voided:
        raise ValidationError(_("This record is closed or voided; reopen it first."))


# Needs ----------------------------------------------------------------------------


@transaction.atomic
def need_save(
    *, need: Need, by: User, status: str, requirements: Iterable[Requirement] | None = None
) -> Need:
    """Save a need from a form, moving its status only along the workflow."""
    stored = None if need.pk is None else Need.objects.get(pk=need.pk).status
    need.move_to(status, stored=stored)
    _history_user(need, by)
    need.full_clean()
    need.save()
    if requirements is not None:
        need.requirements.set(requirements)
    return need


# Requirements ---------------------------------------------------------------------


def _requirement_snapshot(requirement: Requirement, *, by: User, reason: str) -> None:
    RequirementVersion.objects.create(
        requirement=requirement,
        number=requirement.version,
        title=requirement.title,
        text=requirement.text,
        category=requirement.category,
        claim=requirement.claim,
        product_id=requirement.product_id,
        customer_id=requirement.customer_id,
        source=requirement.source,
        source_clause=requirement.source_clause,
        reason=reason,
        created_by=by,
    )


@transaction.atomic
def requirement_create(*, requirement: Requirement, by: User) -> Requirement:
    """Record a new requirement as version 1."""
    requirement.version = 1
    requirement.status = Requirement.Status.DRAFT
    _history_user(requirement, by)
    requirement.full_clean()
    requirement.save()
    _requirement_snapshot(requirement, by=by, reason="")
    return requirement


@dataclass
class Edit:
    """What an edit did: the saved record and the change it made, if it made one."""

    record: Any
    change: Change | None


def _changed(record: Any, stored: Any, fields: Sequence[str]) -> list[str]:
    return [name for name in fields if getattr(record, name) != getattr(stored, name)]


@transaction.atomic
def requirement_change(
    *, requirement: Requirement, by: User, reason: str = "", notify: Iterable[User] = ()
) -> Edit:
    """Save an edited requirement; a change to its content makes a new version.

    A new version of an accepted requirement goes back under review; it reopens the
    review of every commitment that carries the requirement and asks its owner, the
    account owners concerned and ``notify`` to acknowledge.
    An edit of the owner or the re-check date alone makes no version.
    """
    stored = Requirement.objects.select_for_update().get(pk=requirement.pk)
    _refuse_if_locked(stored)
    _history_user(requirement, by)
    changed = _changed(requirement, stored, Requirement.VERSIONED_FIELDS)
    if not changed:
        requirement.version = stored.version
        requirement.status = stored.status
        requirement.full_clean()
        requirement.save()
        return Edit(requirement, None)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Say what changed and why: the people concerned read it.")}
        )
    # Locked, so that a review recorded meanwhile cannot miss this change.
    commitments = list(
        Commitment.objects.active()
        .filter(requirements=requirement)
        .select_related("customer__account_owner", "current_review")
        .select_for_update(of=("self",))
    )
    elsewhere = [
        c.reference
        for c in commitments
        if requirement.customer_id is not None and c.customer_id != requirement.customer_id
    ]
    if elsewhere:
        raise ValidationError(
            {
                "customer": _(
                    "Commitments to other customers carry this requirement (%(refs)s): it "
                    "cannot belong to one customer only."
                )
                % {"refs": ", ".join(elsewhere)}
            }
        )
    requirement.status = stored.status
    if stored.status == Requirement.Status.ACCEPTED:
        # What was accepted is the earlier version: the new one is accepted afresh.
        requirement.set_status(Requirement.Status.UNDER_REVIEW)
    requirement.version = stored.version + 1
    requirement._change_reason = reason
    requirement.full_clean()
    requirement.save()
    _requirement_snapshot(requirement, by=by, reason=reason)
    change = Change.objects.create(
        requirement=requirement,
        from_version=stored.version,
        to_version=requirement.version,
        reason=reason,
        changed_by=by,
    )
    # Withdrawn ones too: one brought back must not be made on the old review.
    _reopen_reviews(commitments, change)
    concerned: dict[User, str] = {requirement.owner: Acknowledgement.Concern.OWNER}
    owners = [requirement.customer.account_owner] if requirement.customer else []
    owners += [c.customer.account_owner for c in commitments]
    for owner in owners:
        if owner is not None:
            concerned.setdefault(owner, Acknowledgement.Concern.ACCOUNT)
    _ask_to_acknowledge(change, concerned, notify, by=by)
    return Edit(requirement, change)


def _reopen_reviews(commitments: Iterable[Commitment], change: Change) -> None:
    now = timezone.now()
    for commitment in commitments:
        review = commitment.current_review
        if review is not None and review.reopened_at is None:
            review.reopened_at = now
            review.reopened_by = change
            review._history_user = change.changed_by  # type: ignore[attr-defined]
            review._change_reason = _("Reopened by a change: %(change)s") % {  # type: ignore[attr-defined]
                "change": change
            }
            review.save(update_fields=["reopened_at", "reopened_by"])


def _ask_to_acknowledge(
    change: Change, concerned: dict[User, str], added: Iterable[User], *, by: User
) -> None:
    """Create an acknowledgement per person concerned (not the editor) and email each."""
    for person in added:
        concerned.setdefault(person, Acknowledgement.Concern.ADDED)
    able = set(
        acknowledgers().filter(pk__in=[p.pk for p in concerned]).values_list("pk", flat=True)
    )
    people = {p: concern for p, concern in concerned.items() if p != by and p.pk in able}
    Acknowledgement.objects.bulk_create(
        [Acknowledgement(change=change, person=p, concern=c) for p, c in people.items()]
    )
    for person in people:
        if person.email:
            email_send(
                to=person.email,
                purpose="change notice",
                template="change_notice",
                context={"change": change, "subject": change.subject, "person": person},
                related=change,
                by=by,
            )


@transaction.atomic
def requirement_set_status(*, requirement: Requirement, by: User, status: str) -> Requirement:
    """Move a requirement along its workflow (submit, accept, reject, supersede)."""
    stored = Requirement.objects.select_for_update().get(pk=requirement.pk)
    if stored.is_voided:
        raise ValidationError(_("This requirement is voided."))
    try:
        stored.set_status(status)
    except TransitionNotAllowedError as exc:
        raise ValidationError(str(exc)) from exc
    _history_user(stored, by)
    stored.save()
    return stored


@transaction.atomic
def requirement_recheck(
    *, requirement: Requirement, by: User, checked_on: date, next_due: date, note: str
) -> Requirement:
    """Record that the law or standard was checked again, and when it is next due.

    A check that finds the law changed is followed by an edit, which makes a version.
    """
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("The check cannot be dated in the future.")})
    if next_due <= checked_on:
        raise ValidationError({"next_due": _("The next check comes after this one.")})
    stored = Requirement.objects.select_for_update().get(pk=requirement.pk)
    _refuse_if_locked(stored)
    stored.last_checked_on = checked_on
    stored.recheck_due = next_due
    stored._change_reason = note or _("Checked again")
    _history_user(stored, by)
    stored.save()
    return stored


def requirements_remind_recheck() -> int:
    """Email each owner about requirements that fell due; once per due date."""
    sent = 0
    due = (
        requirements_due_for_recheck()
        .filter(Q(recheck_reminded_for__isnull=True) | Q(recheck_reminded_for__lt=F("recheck_due")))
        .filter(owner__is_active=True)
        .exclude(owner__email="")
        .select_related("owner", "product")
    )
    for requirement in due:
        with transaction.atomic():
            # Claimed with a conditional update: two workers never remind twice.
            claimed = Requirement.objects.filter(
                Q(recheck_reminded_for__isnull=True) | Q(recheck_reminded_for__lt=F("recheck_due")),
                pk=requirement.pk,
            ).update(recheck_reminded_for=requirement.recheck_due)
            if not claimed:
                continue
            email_send(
                to=requirement.owner.email,
                purpose="re-check due",
                template="requirement_recheck",
                context={"requirement": requirement, "person": requirement.owner},
                related=requirement,
            )
            sent += 1
    return sent


# Commitments ----------------------------------------------------------------------


def _commitment_snapshot(commitment: Commitment, *, by: User, reason: str) -> None:
    carried = commitment.requirements.order_by("pk")
    CommitmentVersion.objects.create(
        commitment=commitment,
        number=commitment.version,
        kind=commitment.kind,
        reference=commitment.reference,
        title=commitment.title,
        description=commitment.description,
        committed_on=commitment.committed_on,
        requirements=[
            {
                "id": r.pk,
                "reference": r.reference,
                "title": r.title,
                "version": r.version,
            }
            for r in carried
        ],
        reason=reason,
        created_by=by,
    )


@transaction.atomic
def commitment_create(
    *, commitment: Commitment, requirements: Iterable[Requirement], by: User
) -> Commitment:
    """Record a new commitment (not yet made) with the requirements it carries."""
    requirements = list(requirements)
    _check_requirements_fit(commitment, requirements)
    commitment.status = Commitment.Status.DRAFT
    commitment.version = 1
    _history_user(commitment, by)
    commitment.full_clean()
    commitment.save()
    commitment.requirements.set(requirements)
    _commitment_snapshot(commitment, by=by, reason="")
    return commitment


def _check_requirements_fit(commitment: Commitment, requirements: list[Requirement]) -> None:
    if not requirements:
        raise ValidationError({"requirements": _("A commitment carries at least one requirement.")})
    foreign = [
        r.reference
        for r in requirements
        if r.customer_id is not None and r.customer_id != commitment.customer_id
    ]
    if foreign:
        raise ValidationError(
            {
                "requirements": _("These requirements belong to another customer: %(refs)s.")
                % {"refs": ", ".join(foreign)}
            }
        )
    closed = [r.reference for r in requirements if r.is_locked]
    if closed:
        raise ValidationError(
            {
                "requirements": _(
                    "These requirements are rejected, superseded or voided: %(refs)s."
                )
                % {"refs": ", ".join(closed)}
            }
        )


@transaction.atomic
def commitment_change(
    *,
    commitment: Commitment,
    requirements: Iterable[Requirement],
    by: User,
    reason: str = "",
    notify: Iterable[User] = (),
) -> Edit:
    """Save an edited commitment as a new version when anything in it changed.

    A made commitment stays made; its review reopens and it is flagged until it is
    reviewed again. The account owner, the owners of the requirements it carries and
    ``notify`` are asked to acknowledge.
    """
    stored = Commitment.objects.select_for_update().get(pk=commitment.pk)
    _refuse_if_locked(stored)
    requirements = list(requirements)
    _check_requirements_fit(commitment, requirements)
    before = set(stored.requirements.values_list("pk", flat=True))
    changed = _changed(commitment, stored, Commitment.VERSIONED_FIELDS)
    if not changed and before == {r.pk for r in requirements}:
        raise ValidationError(_("Nothing changed."))
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Say what changed and why: the people concerned read it.")}
        )
    commitment.status = stored.status
    commitment.current_review = stored.current_review
    commitment.version = stored.version + 1
    commitment._change_reason = reason
    _history_user(commitment, by)
    commitment.full_clean()
    commitment.save()
    commitment.requirements.set(requirements)
    _commitment_snapshot(commitment, by=by, reason=reason)
    change = Change.objects.create(
        commitment=commitment,
        from_version=stored.version,
        to_version=commitment.version,
        reason=reason,
        changed_by=by,
    )
    _reopen_reviews([commitment], change)
    concerned: dict[User, str] = {}
    if commitment.customer.account_owner is not None:
        concerned[commitment.customer.account_owner] = Acknowledgement.Concern.ACCOUNT
    removed = Requirement.objects.filter(pk__in=before - {r.pk for r in requirements})
    for requirement in [*requirements, *removed.select_related("owner")]:
        concerned.setdefault(requirement.owner, Acknowledgement.Concern.OWNER)
    _ask_to_acknowledge(change, concerned, notify, by=by)
    return Edit(commitment, change)


@dataclass
class ItemFinding:
    """What the reviewer found for one requirement."""

    requirement: Requirement
    can_meet: bool
    note: str = ""


@transaction.atomic
def commitment_review(
    *,
    commitment: Commitment,
    by: User,
    reviewed_on: date,
    outcome: str,
    findings: Sequence[ItemFinding],
    conditions: str = "",
    differences: str = "",
    verbal_requirements: str = "",
) -> CommitmentReview:
    """Record a review of the commitment as it stands now (8.2.3)."""
    stored = Commitment.objects.select_for_update().get(pk=commitment.pk)
    _refuse_if_locked(stored)
    # Locked: a change to one of them waits until this review is recorded.
    carried = {r.pk: r for r in stored.requirements.select_for_update(of=("self",))}
    if not carried:
        raise ValidationError(_("The commitment carries no requirement: add one first."))
    found = {f.requirement.pk: f for f in findings}
    errors: dict[str, Any] = {}
    if set(found) != set(carried):
        errors["__all__"] = _(
            "Say for every requirement the commitment carries whether it can be met."
        )
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("A review cannot be dated in the future.")
    unmet = [f for f in findings if not f.can_meet]
    if outcome == CommitmentReview.Outcome.ACCEPTED and unmet:
        errors["outcome"] = _(
            "A requirement that cannot be met rules out a plain acceptance: accept with "
            "conditions or reject."
        )
    if outcome == CommitmentReview.Outcome.CONDITIONS and not conditions.strip():
        errors["conditions"] = _("Record the conditions of the acceptance.")
    if errors:
        raise ValidationError(errors)
    review = CommitmentReview(
        commitment=stored,
        commitment_version=stored.version,
        reviewer=by,
        reviewed_on=reviewed_on,
        outcome=outcome,
        conditions=conditions,
        differences=differences,
        verbal_requirements=verbal_requirements,
    )
    _history_user(review, by)
    review.full_clean()
    review.save()
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(
                review=review,
                requirement=carried[pk],
                requirement_version=carried[pk].version,
                can_meet=finding.can_meet,
                note=finding.note,
            )
            for pk, finding in found.items()
        ]
    )
    stored.current_review = review
    stored._change_reason = _("Reviewed: %(outcome)s") % {"outcome": review.get_outcome_display()}
    _history_user(stored, by)
    stored.save()
    return review


def commitment_blockers(commitment: Commitment) -> list[str]:
    """Return why the commitment cannot be marked made now; empty when it can."""
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
    return blockers


@transaction.atomic
def commitment_make(*, commitment: Commitment, by: User) -> Commitment:
    """Mark a commitment made; only after a review that accepts it, dated before it."""
    # Only the commitment's row is locked: its review is an outer join.
    stored = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("current_review")
        .get(pk=commitment.pk)
    )
    if stored.is_voided:
        raise ValidationError(_("This commitment is voided."))
    blockers = commitment_blockers(stored)
    if blockers:
        raise ValidationError(blockers)
    stored.set_status(Commitment.Status.MADE)
    stored.made_at = timezone.now()
    stored.made_by = by
    _history_user(stored, by)
    stored.save()
    return stored


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, by: User, reopen: bool = False) -> Commitment:
    """Withdraw a commitment not yet made, or (``reopen``) bring a withdrawn one back."""
    stored = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if stored.is_voided:
        raise ValidationError(_("This commitment is voided."))
    target = Commitment.Status.DRAFT if reopen else Commitment.Status.WITHDRAWN
    try:
        stored.set_status(target)
    except TransitionNotAllowedError as exc:
        raise ValidationError(str(exc)) from exc
    _history_user(stored, by)
    stored.save()
    return stored


# Acknowledgements -----------------------------------------------------------------


@transaction.atomic
def change_acknowledge(*, change: Change, by: User) -> Acknowledgement:
    """Record that the signed-in person read the change; a second time changes nothing."""
    try:
        acknowledgement = Acknowledgement.objects.select_for_update().get(change=change, person=by)
    except Acknowledgement.DoesNotExist as exc:
        raise ValidationError(_("This change does not ask you to acknowledge it.")) from exc
    if acknowledgement.acknowledged_at is None:
        acknowledgement.acknowledged_at = timezone.now()
        acknowledgement.save(update_fields=["acknowledged_at"])
    return acknowledgement
