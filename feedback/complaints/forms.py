"""Forms of the feedback register: recording an item, editing it, and one small form
per step of the workflow. The services check everything again; these say what is
wrong beside the field."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.choosers import ChooserField
from core.forms import LengthLimits
from core.models import User
from customers.models import Contact, Customer, ProductService
from feedback.complaints.models import HANDLERS, FeedbackItem, feedback_handlers

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field; the service checks their size, number and type."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(FilesField, self).clean(file, initial) for file in files]


def files_help() -> str:
    return str(
        _("At most %(count)s files, each up to %(size)s MB: PDF, JPEG, PNG or plain text.")
        % {
            "count": settings.FEEDBACK_ATTACHMENT_MAX_FILES,
            "size": settings.FEEDBACK_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        }
    )


def handlers() -> Any:
    """The people feedback can be given to: active staff and quality managers."""
    return feedback_handlers()


class ItemForm(LengthLimits, forms.ModelForm):
    """What an item says and who sent it (recording and editing)."""

    customer = ChooserField(
        "customers", Customer.objects.active(), required=False, label=_("Customer")
    )
    contact = ChooserField(
        "contacts",
        Contact.objects.active().select_related("customer"),
        required=False,
        label=_("Contact"),
        help_text=_("Choosing a contact fills in their customer."),
    )
    product = forms.ModelChoiceField(
        ProductService.objects.active(), required=False, label=_("Product or service")
    )
    received_at = forms.DateTimeField(label=_("Received"), widget=DATETIME_INPUT)

    class Meta:
        model = FeedbackItem
        fields = [
            "kind",
            "channel",
            "received_at",
            "customer",
            "contact",
            "sender_name",
            "sender_email",
            "language",
            "product",
            "subject",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "sender_name": _("When no contact is known."),
            "sender_email": _("When no contact is known: the acknowledgement goes here."),
            "language": _("The language of the emails the sender receives."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact, customer = data.get("contact"), data.get("customer")
        if contact is not None and customer is None:
            data["customer"] = self.instance.customer = contact.customer
        return data


class RecordForm(ItemForm):
    """Feedback staff take by phone, email, letter or in person."""

    owner = ChooserField(
        HANDLERS,
        User.objects.none(),
        required=False,
        label=_("Owner"),
        help_text=_(
            "Left empty: the customer's account owner, or else you, whoever first handles feedback."
        ),
    )
    attachments = FilesField(label=_("Attachments"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel: Any = self.fields["channel"]
        channel.choices = [choice for choice in channel.choices if choice[0] != "web_form"]
        self.fields["attachments"].help_text = files_help()
        if user is not None and user.has_perm("feedback.handle_any_feedbackitem"):
            cast(Any, self.fields["owner"]).queryset = handlers()
        else:
            del self.fields["owner"]


class EditForm(ItemForm):
    class Meta(ItemForm.Meta):
        fields = [f for f in ItemForm.Meta.fields if f != "kind"]


class AttachForm(forms.Form):
    attachments = FilesField(label=_("Files"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = files_help()


class AcknowledgeForm(LengthLimits, forms.Form):
    how = forms.CharField(
        label=_("How was the sender acknowledged?"),
        max_length=200,
        help_text=_("For example: by phone to the number they called from; by letter."),
    )
    at = forms.DateTimeField(
        label=_("When"), required=False, widget=DATETIME_INPUT, help_text=_("Empty: now.")
    )


YES_NO_UNKNOWN = [("", _("Not yet known")), ("true", _("Yes")), ("false", _("No"))]


class YesNoUnknown(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO_UNKNOWN,
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        return {True: "true", False: "false"}.get(value, "")


class AssessForm(LengthLimits, forms.Form):
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", "—"), *FeedbackItem.Severity.choices],
        help_text=_("Sets the date by which the complaint must be closed."),
    )
    remedy_sought = forms.CharField(
        label=_("Remedy the customer seeks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    justified = YesNoUnknown(label=_("Is the complaint justified?"))
    reveals_nonconformity = YesNoUnknown(
        label=_("Does it reveal a nonconformity?"),
        help_text=_("A nonconformity is taken up in improvements."),
    )
    assessment = forms.CharField(
        label=_("Assessment notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class InvestigateForm(LengthLimits, forms.Form):
    notes = forms.CharField(
        label=_("What is investigated, and by whom"), widget=forms.Textarea(attrs={"rows": 5})
    )


class RespondForm(LengthLimits, forms.Form):
    decision = forms.CharField(
        label=_("The decision communicated to the customer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Emailed to the sender, in their language, when an address is known."),
    )
    at = forms.DateTimeField(
        label=_("When it was communicated"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Empty: now."),
    )


class ReplyForm(LengthLimits, forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Did the customer accept the decision?"),
        choices=[("true", _("Yes, accepted")), ("false", _("No, not accepted"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    recourse = forms.ChoiceField(
        label=_("Recourse offered"),
        choices=FeedbackItem.Recourse.choices,
        required=False,
        help_text=_("When the customer did not accept."),
    )
    recourse_outcome = forms.CharField(
        label=_("Outcome of the recourse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Once known; the complaint closes only with it."),
    )


class CloseForm(LengthLimits, forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    at = forms.DateTimeField(
        label=_("When"), required=False, widget=DATETIME_INPUT, help_text=_("Empty: now.")
    )

    def __init__(self, *args: Any, complaint: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution"].required = not complaint


class ReasonForm(LengthLimits, forms.Form):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class ConvertForm(LengthLimits, forms.Form):
    reason = forms.CharField(
        label=_("Why it is a complaint"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("An expression of dissatisfaction where a response is expected."),
    )


class AssignForm(forms.Form):
    owner = ChooserField(HANDLERS, User.objects.none(), label=_("Owner"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["owner"]).queryset = handlers()
