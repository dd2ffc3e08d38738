"""What a bulk change from the customer or contact list would do, before it is made.

``CustomerChange`` and ``ContactChange`` check the change asked for; each names the
rules (``Rule``) under which a record cannot take it; ``*_bulk_outcome`` counts, in
the database, how many records change, how many are already so and which are refused
and why. The confirmation page shows the outcome; the services check it again under
lock before they write.
"""

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.records import RecordLockedError, TransitionNotAllowedError, ensure_editable
from customers.models import Contact, Customer, Segment
from customers.register.selectors import account_owners

REFUSED_SHOWN = 50


@dataclass(frozen=True)
class Rule:
    """A reason a record cannot take a bulk change: the rows it refuses, as a
    condition, and the message for one record (empty when it does not refuse it)."""

    refuses: Q
    message: Callable[[Any], str]


@dataclass
class BulkOutcome:
    """What a bulk change does to the records selected: how many change, how many are
    already so, and which cannot change and why (the first ``REFUSED_SHOWN``)."""

    total: int
    changing: int
    refused_count: int
    refused: list[tuple[Any, str]] = field(default_factory=list)
    # The sum of the keys of the records that change once those refused are left out:
    # with their number, what the confirmation shows and the service checks again.
    allowed_keys: int = 0

    @property
    def unchanged(self) -> int:
        return self.total - self.changing

    @property
    def allowed(self) -> int:
        """Return how many records change if those refused are left out."""
        return self.changing - self.refused_count

    @property
    def more_refused(self) -> int:
        return self.refused_count - len(self.refused)

    @property
    def token(self) -> str:
        """Return what identifies the records that change, for the confirmation."""
        return f"{self.allowed}-{self.allowed_keys}"


def _locked_message(record: Any) -> str:
    try:
        ensure_editable(record)
    except RecordLockedError as exc:
        return str(exc)
    return ""


def bulk_outcome(
    rows: QuerySet, *, differs: Q, rules: Sequence[Rule], order: str = "name"
) -> BulkOutcome:
    """Return what a change would do to ``rows``: two queries, whatever their number.

    ``differs`` is the condition of a row the change alters; a row it leaves as it is
    is never refused.
    """
    refused = refusing(rules)
    counts = rows.aggregate(
        total=Count("pk"),
        changing=Count("pk", filter=differs),
        refused=Count("pk", filter=differs & refused),
        allowed_keys=Sum("pk", filter=differs & ~refused),
    )
    sample = []
    if counts["refused"]:
        for record in rows.filter(differs & refused).order_by(order)[:REFUSED_SHOWN]:
            reasons = (rule.message(record) for rule in rules)
            sample.append((record, next((m for m in reasons if m), "")))
    return BulkOutcome(
        total=counts["total"],
        changing=counts["changing"],
        refused_count=counts["refused"],
        refused=sample,
        allowed_keys=counts["allowed_keys"] or 0,
    )


def refusing(rules: Sequence[Rule]) -> Q:
    """Return the condition of a row any of the rules refuses."""
    refused = Q(pk__in=[])
    for rule in rules:
        refused |= rule.refuses
    return refused


def selected(model: type[Model], selection: QuerySet) -> QuerySet:
    """Return the records of a selection (ticked ids or a filtered list) as a plain
    queryset of the model, without the joins, duplicates and order a filter adds."""
    return model._default_manager.filter(pk__in=selection.order_by().values("pk"))


@dataclass(frozen=True)
class CustomerChange:
    """What a bulk action sets on every customer selected; None leaves it alone."""

    segment: Segment | None = None
    account_owner: User | None = None
    status: str | None = None
    lost_on: date | None = None
    lost_reason: str = ""

    @classmethod
    def checked(
        cls,
        *,
        segment: Segment | None = None,
        account_owner: User | None = None,
        status: str | None = None,
        lost_on: date | None = None,
        lost_reason: str = "",
    ) -> "CustomerChange":
        """Return the change asked for; raise a ValidationError, by field, for one that
        is empty or that no customer could take (the form and the service both ask)."""
        errors: dict[str, str] = {}
        if segment is not None and segment.is_voided:
            errors["segment"] = _("This segment is voided: choose another.")
        owners = account_owners()
        if account_owner is not None and not owners.filter(pk=account_owner.pk).exists():
            errors["account_owner"] = _(
                "%(name)s cannot own an account: choose an active person whose role owns accounts."
            ) % {"name": account_owner}
        if status is not None and status not in Customer.Status.values:
            errors["status"] = _("Choose one of the statuses offered.")
        lost = status == Customer.Status.LOST
        lost_reason = (lost_reason or "").strip()
        if lost and lost_on is None:
            errors["lost_on"] = _("Give the date the customers were lost.")
        elif lost and lost_on is not None and lost_on > timezone.localdate():
            errors["lost_on"] = _("The date they were lost cannot be in the future.")
        if lost and not lost_reason:
            errors["lost_reason"] = _("Say why the customers were lost.")
        if errors:
            raise ValidationError(errors)
        change = cls(
            segment=segment,
            account_owner=account_owner,
            status=status,
            lost_on=lost_on if lost else None,
            lost_reason=lost_reason if lost else "",
        )
        if change.is_empty():
            raise ValidationError(
                _("Choose what to change: a segment, an account owner or a status.")
            )
        return change

    def is_empty(self) -> bool:
        return self.segment is None and self.account_owner is None and self.status is None

    def differs(self) -> Q:
        """Return the condition of a customer this change alters."""
        condition: Any = Q(pk__in=[])
        if self.segment is not None:
            links = Customer.segments.through.objects.filter(
                customer=OuterRef("pk"), segment=self.segment
            )
            condition |= ~Exists(links)
        if self.account_owner is not None:
            condition |= ~Q(account_owner=self.account_owner)
        if self.status is not None:
            condition |= self.moves()
        return condition

    def moves(self) -> Q:
        """Return the condition of a customer whose status this change moves."""
        return ~Q(status=self.status) if self.status is not None else Q(pk__in=[])

    def rules(self) -> list[Rule]:
        """Return why a customer cannot take this change: voided, a move its workflow
        does not allow, a loss dated before the customer was registered."""
        rules = [Rule(refuses=Q(voided_at__isnull=False), message=_locked_message)]
        if self.status is not None:
            target = self.status
            sources = [s for s, targets in Customer.TRANSITIONS.items() if target in targets]
            rules.append(
                Rule(
                    refuses=self.moves() & ~Q(status__in=sources),
                    message=lambda customer: _move_message(customer, target),
                )
            )
            if target == Customer.Status.LOST and self.lost_on is not None:
                lost_on = self.lost_on
                rules.append(
                    Rule(
                        refuses=self.moves() & Q(created_at__date__gt=lost_on),
                        message=lambda customer: _lost_before_message(customer, lost_on),
                    )
                )
        return rules


def _move_message(customer: Customer, target: str) -> str:
    """Return the workflow's own refusal of the move, as a form would show it."""
    if customer.status == target:
        return ""
    try:
        copy.copy(customer).set_status(target)
    except TransitionNotAllowedError as exc:
        return str(exc)
    return ""


def _lost_before_message(customer: Customer, lost_on: date) -> str:
    registered = timezone.localdate(customer.created_at)
    if registered <= lost_on:
        return ""
    return _("It was registered on %(registered)s, after the date it was lost.") % {
        "registered": registered.isoformat()
    }


def customer_bulk_outcome(customers: QuerySet[Customer], change: CustomerChange) -> BulkOutcome:
    """Return what the change would do to the customers selected."""
    return bulk_outcome(
        selected(Customer, customers), differs=change.differs(), rules=change.rules()
    )


@dataclass(frozen=True)
class ContactChange:
    """What a bulk action sets on every contact selected; None leaves it alone.

    Opting out goes one way: only the person can opt back in, on the contact form.
    """

    language: str | None = None
    opt_out: bool = False

    @classmethod
    def checked(cls, *, language: str | None = None, opt_out: bool = False) -> "ContactChange":
        """Return the change asked for; raise a ValidationError for an empty one."""
        if language is not None and language not in Contact.Language.values:
            raise ValidationError({"language": _("Choose one of the languages offered.")})
        change = cls(language=language, opt_out=opt_out)
        if change.is_empty():
            raise ValidationError(_("Choose what to change: the language, or opting out."))
        return change

    def is_empty(self) -> bool:
        return self.language is None and not self.opt_out

    def differs(self) -> Q:
        condition = Q(pk__in=[])
        if self.language is not None:
            condition |= ~Q(language=self.language)
        if self.opt_out:
            condition |= self.opts_out()
        return condition

    def opts_out(self) -> Q:
        """Return the condition of a contact this change opts out."""
        return Q(opted_out=False) if self.opt_out else Q(pk__in=[])

    def rules(self) -> list[Rule]:
        """Return why a contact cannot take this change: voided or erased, as
        ``Contact.objects.editable`` defines the contacts that take edits."""
        return [
            Rule(
                refuses=~Q(pk__in=Contact.objects.editable().values("pk")),
                message=_locked_message,
            )
        ]


def contact_bulk_outcome(contacts: QuerySet[Contact], change: ContactChange) -> BulkOutcome:
    """Return what the change would do to the contacts selected."""
    return bulk_outcome(selected(Contact, contacts), differs=change.differs(), rules=change.rules())
