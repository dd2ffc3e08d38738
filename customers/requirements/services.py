"""Writes to the needs, requirements and commitments registers (4.2, 8.2.2-8.2.4).

The gates live here: a commitment is made only after a review that accepts it, dated
on or before the commitment; a change to a requirement or a commitment makes a new
version, reopens the reviews it affects and asks the people concerned to acknowledge
it, by email. The gates read one another's records (a change reopens reviews; a
review and the gate check the versions changes made), so they are kept in one module.
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

from core.email import email_queue
from core.history import attribute_change
from core.models import User
from core.records import ensure_editable, ensure_not_voided, lock_stored
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
from customers.requirements import selectors
from customers.requirements.selectors import acknowledgers

# Needs ----------------------------------------------------------------------------


@transaction.atomic
def need_save(
    *, need: Need, by: User, status: str, requirements: Iterable[Requirement] | None = None
) -> Need:
    """Save a need from a form, moving its status only along the workflow.

    A closed need takes no edit but the move that reopens it (the model refuses the
    rest); a voided one takes none.
    """
    stored = None
    if need.pk is not None:
        stored = lock_stored(need)
        ensure_not_voided(stored)
    need.move_to(status, stored=stored.status if stored else None, by=by)
    attribute_change(need, by=by)
    need.full_clean()
    if requirements is not None:
        requirements = list(requirements)
    linked = requirements if requirements is not None else []
    if requirements is None and need.pk is not None:
        linked = list(need.requirements.only("pk", "customer_id"))
    foreign = [r for r in linked if not _may_answer(r, need)]
    if foreign:
        raise ValidationError(
            {
                "requirements": _(
                    "These requirements are for another customer and cannot answer this "
                    "customer's need: %(refs)s."
                )
                % {"refs": ", ".join(r.reference for r in foreign)}
            }
        )
    need.save()
    if requirements is not None:
        need.requirements.set(requirements)
    return need


def _may_answer(requirement: Requirement, need: Need) -> bool:
    """A requirement for one customer answers only that customer's needs, and those of
    segments and other parties; one for no customer answers any need."""
    return (
        requirement.customer_id is None
        or need.customer_id is None
        or need.customer_id == requirement.customer_id
    )


# Requirements ---------------------------------------------------------------------


def _requirement_snapshot(requirement: Requirement, *, by: User, reason: str) -> None:
    RequirementVersion.objects.create(
        requirement=requirement,
        number=requirement.version,
        **Requirement.VERSIONED.values(requirement),
        reason=reason,
        created_by=by,
    )


@transaction.atomic
def requirement_create(
    *, requirement: Requirement, by: User, needs: Iterable[Need] | None = None
) -> Requirement:
    """Record a new requirement as version 1, answering ``needs``."""
    requirement.version = 1
    requirement.status = Requirement.Status.DRAFT
    attribute_change(requirement, by=by)
    requirement.full_clean()
    requirement.save()
    _requirement_snapshot(requirement, by=by, reason="")
    _answer_needs(requirement, needs, by=by)
    return requirement


def _answer_needs(requirement: Requirement, needs: Iterable[Need] | None, *, by: User) -> None:
    """Make the requirement answer exactly ``needs`` (None leaves them as they are).

    The link belongs to the need (its history records it), so each need that gains or
    loses the requirement is changed, with who did it, and refuses if it is closed or
    voided. A requirement for one customer answers only that customer's needs and
    those of segments and other parties.
    """
    if needs is None:
        return
    wanted = {need.pk: need for need in needs}
    foreign = [need for need in wanted.values() if not _may_answer(requirement, need)]
    if foreign:
        raise ValidationError(
            {
                "needs": _(
                    "A requirement for one customer answers only that customer's needs, or "
                    "those of a segment or another party: %(needs)s."
                )
                % {"needs": "; ".join(f"{n.title} ({n.customer})" for n in foreign)}
            }
        )
    answered = set(Need.objects.filter(requirements=requirement).values_list("pk", flat=True))
    for pk in sorted(answered ^ set(wanted)):
        stored = lock_stored(Need(pk=pk))
        try:
            ensure_editable(stored)
        except ValidationError as exc:
            raise ValidationError({"needs": f"{stored.title}: {' '.join(exc.messages)}"}) from exc
        names = {"requirement": requirement}
        if pk in wanted:
            attribute_change(stored, by=by, reason=_("Answered by %(requirement)s") % names)
            stored.requirements.add(requirement)
        else:
            attribute_change(
                stored, by=by, reason=_("No longer answered by %(requirement)s") % names
            )
            stored.requirements.remove(requirement)


@dataclass
class Edit:
    """What an edit did: the saved record and the change it made, if it made one."""

    record: Any
    change: Change | None


@transaction.atomic
def requirement_change(
    *,
    requirement: Requirement,
    by: User,
    reason: str = "",
    notify: Iterable[User] = (),
    needs: Iterable[Need] | None = None,
) -> Edit:
    """Save an edited requirement; a change to its content makes a new version.

    A new version of an accepted requirement goes back under review; it reopens the
    review of every commitment that carries the requirement and asks its owner, the
    account owners concerned and ``notify`` to acknowledge.
    An edit of the owner, the re-check date or the needs it answers (``needs``; None
    leaves them) makes no version.
    """
    stored = lock_stored(requirement)
    ensure_editable(stored)
    _answer_needs(requirement, needs, by=by)
    attribute_change(requirement, by=by)
    changed = Requirement.VERSIONED.changed(requirement, stored)
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
        requirement.set_status(Requirement.Status.UNDER_REVIEW, by=by, reason=reason)
    requirement.version = stored.version + 1
    attribute_change(requirement, by=by, reason=reason)
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
            attribute_change(
                review,
                by=change.changed_by,
                reason=_("Reopened by a change: %(change)s") % {"change": change},
            )
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
            email_queue(
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
    stored = lock_stored(requirement)
    ensure_not_voided(stored)
    stored.set_status(status, by=by)
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
    stored = lock_stored(requirement)
    ensure_editable(stored)
    stored.last_checked_on = checked_on
    stored.recheck_due = next_due
    attribute_change(stored, by=by, reason=note or _("Checked again"))
    stored.save()
    return stored


def requirements_remind_recheck() -> int:
    """Email each owner about requirements that fell due; once per due date."""
    sent = 0
    due = (
        Requirement.objects.recheck_due()
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
            email_queue(
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
        **Commitment.VERSIONED.values(commitment),
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
    attribute_change(commitment, by=by)
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
    stored = lock_stored(commitment)
    ensure_editable(stored)
    requirements = list(requirements)
    _check_requirements_fit(commitment, requirements)
    before = set(stored.requirements.values_list("pk", flat=True))
    changed = Commitment.VERSIONED.changed(commitment, stored)
    if not changed and before == {r.pk for r in requirements}:
        raise ValidationError(_("Nothing changed."))
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Say what changed and why: the people concerned read it.")}
        )
    commitment.status = stored.status
    commitment.current_review = stored.current_review
    commitment.version = stored.version + 1
    attribute_change(commitment, by=by, reason=reason)
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
    """Record a review of the commitment as it stands now (8.2.3).

    The review is dated between the day the version it reviews was recorded and today
    (``selectors.review_dates``); whatever its date, the review recorded last becomes
    the commitment's current review, the one the gate reads.
    """
    stored = lock_stored(commitment)
    ensure_editable(stored)
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
    date_refused = selectors.review_dates(stored).refusal(reviewed_on)
    if date_refused:
        errors["reviewed_on"] = date_refused
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
    attribute_change(review, by=by)
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
    attribute_change(
        stored, by=by, reason=_("Reviewed: %(outcome)s") % {"outcome": review.get_outcome_display()}
    )
    stored.save()
    return review


@transaction.atomic
def commitment_make(*, commitment: Commitment, by: User) -> Commitment:
    """Mark a commitment made; only after a review that accepts it, dated before it."""
    stored = lock_stored(commitment, "current_review")
    ensure_not_voided(stored)
    blockers = selectors.commitment_blockers(stored)
    if blockers:
        raise ValidationError(blockers)
    stored.set_status(Commitment.Status.MADE, by=by)
    stored.made_at = timezone.now()
    stored.made_by = by
    stored.save()
    return stored


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, by: User, reopen: bool = False) -> Commitment:
    """Withdraw a commitment not yet made, or (``reopen``) bring a withdrawn one back."""
    stored = lock_stored(commitment)
    ensure_not_voided(stored)
    target = Commitment.Status.DRAFT if reopen else Commitment.Status.WITHDRAWN
    stored.set_status(target, by=by)
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
