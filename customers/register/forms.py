from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import offer_workflow_moves
from core.models import User
from customers.models import Contact, Customer, ImportJob, ProductService, Segment
from customers.register.imports.reading import too_large, too_large_message, upload_limit
from customers.register.models import PHONE


class CustomerForm(forms.ModelForm):
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
        fields["account_owner"].queryset = User.objects.filter(is_active=True)
        offer_workflow_moves(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Customer.Status.LOST:
            if not data.get("lost_on"):
                self.add_error("lost_on", _("Give the date the customer was lost."))
            if not (data.get("lost_reason") or "").strip():
                self.add_error("lost_reason", _("Say why the customer was lost."))
        return data


class ContactForm(forms.ModelForm):
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

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
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


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ProductServiceForm(forms.ModelForm):
    class Meta:
        model = ProductService
        fields = ["name", "kind", "code", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class EraseForm(forms.Form):
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
