from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.choosers import as_chooser
from core.forms import LengthLimits, offer_workflow_moves
from core.models import User
from customers.models import Contact, Customer, ImportJob, ProductService, Segment
from customers.register.bulk import ContactChange, CustomerChange
from customers.register.imports.reading import too_large, too_large_message, upload_limit
from customers.register.models import PHONE
from customers.register.selectors import account_owners, suppression_refusal


class CustomerForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "name",
            "kind",
            "status",
            "lost_on",
            "lost_reason",
            "segments",
            "products",
            "account_owner",
            "tier",
            "revenue_band",
            "country",
            "notes",
        ]
        widgets = {
            "lost_on": forms.DateInput(attrs={"type": "date"}),
            "segments": forms.CheckboxSelectMultiple,
            "products": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "lost_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "kind": _("A person is a single consumer (B2C) with one contact."),
            "lost_on": _("Only for a lost customer."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["segments"].queryset = Segment.objects.active()
        fields["products"].queryset = ProductService.objects.active()
        as_chooser(
            self, "account_owner", "people", account_owners(keep=self.instance.account_owner_id)
        )
        offer_workflow_moves(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Customer.Status.LOST:
            if not data.get("lost_on"):
                self.add_error("lost_on", _("Give the date the customer was lost."))
            if not (data.get("lost_reason") or "").strip():
                self.add_error("lost_reason", _("Say why the customer was lost."))
        return data


class ContactForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "email",
            "phone",
            "role",
            "language",
            "consent",
            "consent_on",
            "consent_source",
            "opted_out",
            "bounced",
        ]
        widgets = {"consent_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(
        self, *args: Any, customer: Customer, lift_url: str | None = None, **kwargs: Any
    ) -> None:
        """``lift_url``: the page that lifts a suppression, offered beside the refusal
        of a suppressed address to those who may lift one."""
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.lift_url = lift_url
        self.stored_email = self.instance.email if self.instance.pk else None
        self.instance.customer = customer
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        clash = Contact.objects.active().filter(customer=self.customer, email=email)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This customer already has a contact with this email."))
        if email != self.stored_email and (refused := suppression_refusal(email)):
            if self.lift_url:
                refused = format_html(
                    '{} <a href="{}">{}</a>', refused, self.lift_url, _("Lift the suppression")
                )
            raise forms.ValidationError(refused)
        return email

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not PHONE.match(phone):
            raise forms.ValidationError(
                _(
                    "Use digits, spaces, + ( ) - . / and an optional extension, "
                    "such as +91 22 5555 0100."
                )
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consent"):
            if not data.get("consent_on"):
                self.add_error("consent_on", _("Give the date the consent was given."))
            if not data.get("consent_source"):
                self.add_error("consent_source", _("Say where the consent came from."))
        else:
            data["consent_on"], data["consent_source"] = None, ""
        return data


class SegmentForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ProductServiceForm(LengthLimits, forms.ModelForm):
    class Meta:
        model = ProductService
        fields = ["name", "kind", "code", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class EraseForm(LengthLimits, forms.Form):
    requested_by = forms.CharField(
        label=_("Who asked for the erasure?"),
        max_length=200,
        help_text=_("For example: the contact, by email to privacy@example.com."),
    )
    requested_on = forms.DateField(
        label=_("Asked on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("I understand that the name, email, phone and role are erased for good."),
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=ImportJob.Encoding.choices,
        initial=ImportJob.Encoding.UTF_8,
        required=False,  # UTF-8 when not given
        help_text=_(
            "UTF-8 unless your spreadsheet saved the file otherwise: Excel on Windows "
            "saves plain “CSV” in Windows-1252 and “Unicode Text” in UTF-16."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV with a header row, %(limit)s at most. Nothing is imported until you "
            "confirm the check."
        ) % {"limit": upload_limit()}

    def clean_encoding(self) -> str:
        return self.cleaned_data["encoding"] or ImportJob.Encoding.UTF_8

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if too_large(upload.size):
            raise forms.ValidationError(too_large_message())
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                _(
                    "Upload a .csv file (save the sheet as CSV UTF-8), or a .txt file saved "
                    "as Unicode Text."
                )
            )
        return upload


# Bulk changes from the lists -------------------------------------------------------

LEAVE = _("Leave as it is")
# A page of ticked rows is 25; more ids than this come from no form of ours.
MAX_TICKED = 1000


class RecordIds(forms.Field):
    """The ids of the rows ticked on a list (``<input type=checkbox name=ids>``)."""

    widget = forms.MultipleHiddenInput
    hidden_widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if len(values) > MAX_TICKED:
            raise ValidationError(
                _("Tick at most %(limit)s rows, or choose all that match the filters.")
                % {"limit": MAX_TICKED}
            )
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("The rows ticked are not valid: tick them again.")) from exc


class BulkForm(LengthLimits, forms.Form):
    """The selection (rows ticked, or all that match the list's filters) and the
    reason; a bulk change's own fields come from the subclass.

    The list posts it to the confirmation page, which posts it back with
    ``expected``, what identifies the records it said would change.
    """

    ids = RecordIds(required=False)
    all_matching = forms.BooleanField(required=False, widget=forms.HiddenInput)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why (kept in the history)"),
        required=False,
        max_length=80,
        help_text=_("Optional, at most 80 characters."),
    )
    expected = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)

    CHANGE_FIELDS: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its fields share names with the list's filters (segment, status): not ids.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("all_matching") and not data.get("ids"):
            raise ValidationError(
                _("Tick the rows to change, or choose all that match the filters.")
            )
        return data

    def change_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CHANGE_FIELDS]

    def _carried(self, *, change: bool) -> list[tuple[str, str]]:
        """Return the names and values, as posted, that the confirmation page carries
        back in hidden inputs: the selection, and once it is shown, the change."""
        names = [
            name
            for name in self.fields
            if name != "expected" and (name in self.CHANGE_FIELDS) == change
        ]
        data: Any = self.data
        return [(name, value) for name in names for value in data.getlist(name)]

    @property
    def selection_carried(self) -> list[tuple[str, str]]:
        return self._carried(change=False)

    @property
    def change_carried(self) -> list[tuple[str, str]]:
        return self._carried(change=True)


class CustomerBulkForm(BulkForm):
    segment = forms.ModelChoiceField(
        label=_("Add to the segment"),
        queryset=Segment.objects.none(),
        required=False,
        empty_label=LEAVE,
    )
    account_owner = forms.ModelChoiceField(
        label=_("Make the account owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=LEAVE,
        help_text=_("Active people who are not auditors."),
    )
    status = forms.ChoiceField(
        label=_("Move the status to"),
        choices=[("", LEAVE), *Customer.Status.choices],
        required=False,
        help_text=_("Only customers whose workflow allows the move can take it."),
    )
    lost_on = forms.DateField(
        label=_("Lost on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only when moving them to lost."),
    )
    lost_reason = forms.CharField(
        label=_("Why they were lost"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when moving them to lost."),
    )

    CHANGE_FIELDS = ("segment", "account_owner", "status", "lost_on", "lost_reason", "reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["segment"].queryset = Segment.objects.active()
        as_chooser(self, "account_owner", "people", account_owners())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            self.change = CustomerChange.checked(
                segment=data.get("segment"),
                account_owner=data.get("account_owner"),
                status=data.get("status") or None,
                lost_on=data.get("lost_on"),
                lost_reason=data.get("lost_reason", ""),
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def describe(self) -> list[str]:
        """Return the change in sentences, for the confirmation page."""
        change = self.change
        said = []
        if change.segment is not None:
            said.append(_("Add them to the segment “%(name)s”.") % {"name": change.segment})
        if change.account_owner is not None:
            said.append(_("Make %(name)s their account owner.") % {"name": change.account_owner})
        if change.status is not None:
            label = Customer.Status(change.status).label
            if change.lost_on is not None:
                said.append(
                    _("Move their status to %(status)s, lost on %(date)s: %(reason)s")
                    % {
                        "status": str(label).lower(),
                        "date": change.lost_on.isoformat(),
                        "reason": change.lost_reason,
                    }
                )
            else:
                said.append(_("Move their status to %(status)s.") % {"status": str(label).lower()})
        return said


class ContactBulkForm(BulkForm):
    language = forms.ChoiceField(
        label=_("Set the preferred language"),
        choices=[("", LEAVE), *Contact.Language.choices],
        required=False,
    )
    opt_out = forms.BooleanField(
        label=_("Mark them opted out of surveys"),
        required=False,
        help_text=_("Only the person can opt back in, on the contact's form."),
    )

    CHANGE_FIELDS = ("language", "opt_out", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            self.change = ContactChange.checked(
                language=data.get("language") or None, opt_out=bool(data.get("opt_out"))
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def describe(self) -> list[str]:
        said: list[str] = []
        if self.change.language is not None:
            label = Contact.Language(self.change.language).label
            said.append(_("Set their preferred language to %(language)s.") % {"language": label})
        if self.change.opt_out:
            said.append(str(_("Mark them opted out of surveys.")))
        return said


class SuppressionLiftForm(LengthLimits, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_(
            "The address the person asks to be contacted at again. Only its hash is "
            "compared with the suppression list; the address is not stored here."
        ),
    )
    reason = forms.CharField(
        label=_("The person's request"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "How and when the person asked, explicitly and anew, to be contacted: for "
            "example, their email of 3 August 2026 to privacy@example.com."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I have the person's new, explicit request to be contacted again."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
