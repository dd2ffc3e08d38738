"""Forms of the needs, requirements and commitments registers."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserField, ChooserMultipleField, as_chooser
from core.forms import LengthLimits, limit_lengths, offer_workflow_moves
from core.models import User
from customers.models import (
    Commitment,
    CommitmentReview,
    Customer,
    Need,
    ProductService,
    Requirement,
    Segment,
)
from customers.requirements.selectors import ReviewDates, acknowledgers
from customers.requirements.services import ItemFinding

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def open_requirements(customer: Customer | None = None, linked: Any = None) -> Any:
    """Return the requirements a need or a commitment may point to, with those it
    already points to (so that saving a form never drops a link unseen)."""
    offered = Q(voided_at__isnull=True) & ~Q(
        status__in=[Requirement.Status.REJECTED, Requirement.Status.SUPERSEDED]
    )
    if customer is not None:
        offered &= Q(customer__isnull=True) | Q(customer=customer)
    if linked is not None:
        offered |= Q(pk__in=linked.values("pk"))
    # By reference: the label starts with it.
    return Requirement.objects.filter(offered).select_related("product", "owner").order_by("pk")


def open_needs(linked: Any = None) -> Any:
    """Return the needs a requirement may answer (neither closed nor voided), with those
    it already answers, by title."""
    offered = Q(voided_at__isnull=True) & ~Q(status=Need.Status.CLOSED)
    if linked is not None:
        offered |= Q(pk__in=linked.values("pk"))
    return (
        Need.objects.filter(offered).select_related("customer", "segment").order_by("title", "pk")
    )


class ChangeFields(LengthLimits, forms.Form):
    """What every edit of a versioned record asks, after its own fields: why, and
    whom else to tell."""

    reason = forms.CharField(
        label=_("What changed and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed when the content changes: the change makes a new version and the "
            "people concerned read this."
        ),
    )
    notify = forms.ModelMultipleChoiceField(
        label=_("Also ask to acknowledge"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The owner and the account owners concerned are asked anyway."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        as_chooser(self, "notify", "people", acknowledgers())


class NeedForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = Need
        fields = [
            "customer",
            "segment",
            "other_party",
            "title",
            "description",
            "kind",
            "horizon",
            "source",
            "source_note",
            "priority",
            "status",
            "requirements",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "customer": _("Whose need it is: a customer, a segment, or another party."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        as_chooser(self, "customer", "customers", Customer.objects.active())
        fields["segment"].queryset = Segment.objects.active()
        customer = self.instance.customer if self.instance.customer_id else None
        linked = self.instance.requirements.all() if self.instance.pk else None
        fields["requirements"] = ChooserMultipleField(
            "requirements",
            open_requirements(customer, linked),
            label=_("Requirements that answer it"),
            required=False,
        )
        offer_workflow_moves(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = [
            bool(data.get("customer")),
            bool(data.get("segment")),
            bool(data.get("other_party")),
        ]
        if sum(named) != 1:
            self.add_error(
                "customer",
                _("Name exactly one party: a customer, a segment or another interested party."),
            )
        return data


class RequirementForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = Requirement
        fields = [
            "product",
            "customer",
            "title",
            "text",
            "category",
            "claim",
            "owner",
            "source",
            "source_clause",
            "recheck_due",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "claim": forms.Textarea(attrs={"rows": 2}),
            "recheck_due": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["product"].queryset = ProductService.objects.active()
        as_chooser(self, "customer", "customers", Customer.objects.active())
        # The owner acknowledges changes: someone who can.
        as_chooser(self, "owner", "people", acknowledgers())
        linked = self.instance.needs.all() if self.instance.pk else None
        fields["needs"] = ChooserMultipleField(
            "needs",
            open_needs(linked),
            label=_("Needs it answers"),
            required=False,
            help_text=_(
                "Open needs by title, with the party whose need it is; a requirement for "
                "one customer answers that customer's needs and those of segments and "
                "other parties."
            ),
        )
        if linked is not None and "needs" not in self.initial:
            self.initial["needs"] = [need.pk for need in linked]
        # After the requirement's own fields, before an edit's reason and notices.
        self.order_fields([name for name in fields if name not in ("reason", "notify")])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") == Requirement.Category.STATUTORY:
            if not (data.get("source") or "").strip():
                self.add_error("source", _("Name the law or standard it comes from."))
            if not data.get("recheck_due"):
                self.add_error("recheck_due", _("Give the date by which it is checked again."))
        return data


class RequirementChangeForm(ChangeFields, RequirementForm):
    """An edit of a requirement: content changes make a version, with a reason."""


class RecheckForm(LengthLimits, forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE)
    next_due = forms.DateField(label=_("Check again by"), widget=DATE)
    note = forms.CharField(
        label=_("What the check found"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example: the 2026 amendment leaves clause 7 as it was. If the law "
            "changed, edit the requirement instead: that makes a new version."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"checked_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        checked_on, next_due = data.get("checked_on"), data.get("next_due")
        if checked_on and checked_on > timezone.localdate():
            self.add_error("checked_on", _("The check cannot be dated in the future."))
        if checked_on and next_due and next_due <= checked_on:
            self.add_error("next_due", _("The next check comes after this one."))
        return data


class RequirementStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Requirement.Status.choices)


class CommitmentForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["kind", "reference", "title", "description", "committed_on", "requirements"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "committed_on": DATE}

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        linked = self.instance.requirements.all() if self.instance.pk else None
        self.fields["requirements"] = ChooserMultipleField(
            "requirements",
            open_requirements(customer, linked),
            label=_("Requirements it carries"),
            help_text=_("The requirements for every customer and those of this customer."),
        )


class CommitmentChangeForm(ChangeFields, CommitmentForm):
    """An edit of a commitment: a new version, with a reason."""


class CustomerChoiceForm(forms.Form):
    customer = ChooserField("customers", Customer.objects.active(), label=_("Customer"))


class ReviewForm(LengthLimits, forms.Form):
    """A review of a commitment: a finding per requirement, then the outcome."""

    MEET_CHOICES = [("yes", _("Can be met")), ("no", _("Cannot be met"))]

    reviewed_on = forms.DateField(label=_("Review date"), widget=DATE)
    differences = forms.CharField(
        label=_("Differences from earlier quotes or orders, and how they were resolved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    verbal_requirements = forms.CharField(
        label=_("Requirements stated only verbally, and how they were confirmed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CommitmentReview.Outcome.choices, widget=forms.RadioSelect
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the outcome is an acceptance with conditions."),
    )

    def __init__(
        self, *args: Any, requirements: list[Requirement], dates: ReviewDates, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"reviewed_on": dates.latest})
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        self.dates = dates
        reviewed_on = self.fields["reviewed_on"]
        reviewed_on.widget.attrs.update(
            {"min": dates.earliest.isoformat(), "max": dates.latest.isoformat()}
        )
        reviewed_on.help_text = _(
            "From %(earliest)s, the day version %(version)d was recorded, to today."
        ) % {"earliest": dates.earliest.isoformat(), "version": dates.version}
        for requirement in requirements:
            self.fields[f"meet_{requirement.pk}"] = forms.ChoiceField(
                label=_("Can %(reference)s be met?") % {"reference": requirement.reference},
                choices=self.MEET_CHOICES,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{requirement.pk}"] = forms.CharField(
                label=_("How, or why not (%(reference)s)") % {"reference": requirement.reference},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        limit_lengths(self)

    def clean(self) -> dict[str, Any]:
        # The service checks the same: here all the errors show in one round.
        data = super().clean() or {}
        if data.get("reviewed_on") and (refused := self.dates.refusal(data["reviewed_on"])):
            self.add_error("reviewed_on", refused)
        unmet = [r for r in self.requirements if data.get(f"meet_{r.pk}") == "no"]
        if data.get("outcome") == CommitmentReview.Outcome.ACCEPTED and unmet:
            self.add_error(
                "outcome",
                _(
                    "A requirement that cannot be met rules out a plain acceptance: accept "
                    "with conditions or reject."
                ),
            )
        outcome, conditions = data.get("outcome"), (data.get("conditions") or "").strip()
        if outcome == CommitmentReview.Outcome.CONDITIONS and not conditions:
            self.add_error("conditions", _("Record the conditions of the acceptance."))
        return data

    def findings(self) -> list[ItemFinding]:
        """Return what the reviewer found for each requirement, from the cleaned data."""
        return [
            ItemFinding(
                requirement=r,
                can_meet=self.cleaned_data[f"meet_{r.pk}"] == "yes",
                note=self.cleaned_data[f"note_{r.pk}"],
            )
            for r in self.requirements
        ]

    def requirement_fields(self) -> list[tuple[Requirement, Any, Any]]:
        return [(r, self[f"meet_{r.pk}"], self[f"note_{r.pk}"]) for r in self.requirements]

    def outcome_fields(self) -> list[Any]:
        return [
            self[name]
            for name in (
                "reviewed_on",
                "differences",
                "verbal_requirements",
                "outcome",
                "conditions",
            )
        ]
