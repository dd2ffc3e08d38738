"""Forms of the communication log and plan."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserField, ChooserInput, as_chooser
from core.filters import ANY, DATE_INPUT, DateRangeForm
from core.forms import LengthLimits
from customers.models import Contact, Customer, Segment
from feedback.communication import selectors
from feedback.communication.models import Channel, Communication, Direction, PlanRow
from feedback.communication.selectors import EMAIL, ENTRY, LogFilters

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CommunicationForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = Communication
        fields = [
            "occurred_at",
            "direction",
            "channel",
            "customer",
            "contact",
            "audience",
            "summary",
            "details",
            "handled_by",
            "plan_row",
        ]
        widgets = {
            "occurred_at": DATETIME,
            "details": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "occurred_at": _("When it happened, in the site's time zone: not in the future."),
            "customer": _("Whom it was with; leave empty for an internal communication."),
            "contact": _("The person at the customer, if one."),
            "summary": _("One line: what it was about and what came of it."),
            "plan_row": _("The planned communication (7.4) this fulfils, if any."),
        }

    def __init__(self, *args: Any, by: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Who is named as having communicated when the field is left empty.
        self.by = by
        fields: Any = self.fields
        fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        # Voided customers and contacts stay on a record that names them already.
        stored = self.instance if self.instance.pk else None
        customers = Customer.objects.active()
        contacts = Contact.objects.active()
        if stored is not None:
            customers = customers | Customer.objects.filter(pk=stored.customer_id)
            contacts = contacts | Contact.objects.filter(pk=stored.contact_id)
        as_chooser(self, "customer", "customers", customers)
        as_chooser(self, "contact", "contacts", contacts.select_related("customer"))
        as_chooser(self, "handled_by", "people", selectors.responsible_people())
        fields["handled_by"].help_text = _("Who spoke, met or wrote; you, if left empty.")
        fields["handled_by"].required = False
        row = stored.plan_row if stored is not None and stored.plan_row_id else None
        fields["plan_row"].queryset = selectors.plan_rows_to_fulfil(row)
        fields["plan_row"].empty_label = _("None")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "handled_by" in data and data["handled_by"] is None:
            data["handled_by"] = self.instance.handled_by if self.instance.pk else self.by
        # Said on the field, before the model's rule says it for the whole form.
        if "customer" in data and "audience" in data:
            if data["customer"] is None and not data["audience"]:
                self.add_error(
                    "customer",
                    _(
                        "Choose the customer, or for an internal communication the "
                        "internal audience."
                    ),
                )
            elif data["customer"] is not None and data["audience"]:
                self.add_error(
                    "audience", _("A communication with a customer has no internal audience.")
                )
        return data


class CommunicationChangeForm(CommunicationForm):
    reason = forms.CharField(
        label=_("Why it is changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history with the change."),
    )


class PlanRowForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = PlanRow
        fields = [
            "subject",
            "audience",
            "segment",
            "customer",
            "frequency",
            "event",
            "channel",
            "responsible",
            "next_due",
            "notes",
        ]
        widgets = {"next_due": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"next_due": _("first due")}
        help_texts = {
            "segment": _("Only for “a segment of customers”."),
            "customer": _("Only for “one customer”."),
            "next_due": _(
                "For a communication on a schedule: the date it is first due, today or "
                "later. Once in force it moves on by the frequency each time a logged "
                "communication fulfils it, or when it is rescheduled."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        if self.instance.in_force_as_id is not None:
            # The due date of a row in force is the schedule, not the document's
            # text: it is moved by fulfilment or by rescheduling, never by the draft.
            del fields["next_due"]
        fields["segment"].queryset = Segment.objects.active()
        as_chooser(self, "customer", "customers", Customer.objects.active())
        as_chooser(self, "responsible", "people", selectors.responsible_people())


class RescheduleForm(LengthLimits, forms.Form):
    next_due = forms.DateField(
        label=_("Next due"),
        widget=DATE_INPUT,
        help_text=_("Today or later: the reminder goes to the person responsible once it passes."),
    )
    reason = forms.CharField(
        label=_("Why it moves"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the row's history with the move."),
    )


class ApproveForm(LengthLimits, forms.Form):
    change_summary = forms.CharField(
        label=_("What changed and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept with the version; whoever reads the plan later reads this."),
    )


class InForceOnForm(forms.Form):
    on = forms.DateField(label=_("The plan in force on"), widget=DATE_INPUT)

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(
                _(
                    "Choose today or a past date: which version will be in force on "
                    "%(date)s is not known yet."
                ),
                params={"date": on.isoformat()},
            )
        return on


class LogFilterForm(DateRangeForm):
    """The log's filters: a plain form, since the log is a union of two tables that
    each filter reads (``selectors.log_rows``)."""

    SOURCES = [(ENTRY, _("Logged by staff")), (EMAIL, _("Emails the system sent"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    customer = ChooserField(
        "customers",
        Customer.objects.all(),
        label=_("Customer"),
        required=False,
        widget=ChooserInput("customers", {"placeholder": ANY}, compact=True),
    )
    contact = ChooserField(
        "contacts",
        Contact.objects.select_related("customer"),
        label=_("Contact"),
        required=False,
        widget=ChooserInput("contacts", {"placeholder": ANY}, compact=True),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", ANY), *Channel.choices]
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", ANY), (Direction.OUT, _("Outgoing")), (Direction.IN, _("Incoming"))],
    )
    source = forms.ChoiceField(label=_("Recorded"), required=False, choices=[("", ANY), *SOURCES])
    purpose = forms.ChoiceField(label=_("Email purpose"), required=False)
    plan_row = forms.ModelChoiceField(
        label=_("Fulfils"),
        required=False,
        queryset=PlanRow.objects.order_by("subject", "pk"),
        empty_label=ANY,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    voided = forms.BooleanField(label=_("Include voided"), required=False)

    def __init__(self, *args: Any, purposes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["purpose"].choices = [("", ANY), *purposes]

    def filters(self) -> LogFilters | None:
        """Return what the valid form asks for; None when a value is refused (the list
        then shows no rows, and the form says why)."""
        if self.is_bound and not self.is_valid():
            return None
        data = self.cleaned_data if self.is_bound else {}
        return LogFilters(
            text=data.get("q") or "",
            customer=data.get("customer"),
            contact=data.get("contact"),
            channel=data.get("channel") or "",
            direction=data.get("direction") or "",
            purpose=data.get("purpose") or "",
            plan_row=data.get("plan_row"),
            source=data.get("source") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            voided=bool(data.get("voided")),
        )
