"""The public feedback form: every message a visitor can meet is translatable."""

import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from core.forms import LengthLimits
from core.limits import TEXT_MAX_LENGTH
from customers.models import ProductService
from feedback.complaints.attachments import check_uploads, size_text
from feedback.complaints.models import FeedbackItem

Kind = FeedbackItem.Kind

# What a visitor may send: a follow-up is opened by staff, never from this form.
PUBLIC_KINDS = [
    (Kind.COMPLAINT, _("A complaint: something went wrong")),
    (Kind.COMPLIMENT, _("A compliment: something went well")),
    (Kind.SUGGESTION, _("A suggestion: something we could do better")),
    (Kind.ENQUIRY, _("A question")),
]
# What the public pages call each kind, in the form's words ("A question", never
# the staff's "Enquiry"); a follow-up is opened by staff and keeps their name.
PUBLIC_KIND_NAMES: dict[str, Any] = {
    Kind.COMPLAINT: _("A complaint"),
    Kind.COMPLIMENT: _("A compliment"),
    Kind.SUGGESTION: _("A suggestion"),
    Kind.ENQUIRY: _("A question"),
}
SUBMISSION_KEY_SALT = "feedback.public.submission"
# The honeypot: a field bots fill in and people never see or hear (the template
# renders it by hand, visually hidden, in an aria-hidden wrapper, out of the tab order).
HONEYPOT = "website"
ACCEPT = ".pdf,.jpg,.jpeg,.png,.txt,application/pdf,image/jpeg,image/png,text/plain"


def public_kind_name(item: FeedbackItem) -> str:
    """Return the kind of an item as the public pages name it."""
    return str(PUBLIC_KIND_NAMES.get(item.kind, item.get_kind_display()))


def new_submission_key() -> str:
    """Return a signed one-time key for one rendering of the form."""
    return signing.dumps(secrets.token_urlsafe(24), salt=SUBMISSION_KEY_SALT)


class TextLengthValidator(MaxLengthValidator):
    """The length limit, its numbers written as the help text writes them (10,000)."""

    def __call__(self, value: Any) -> None:
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={"limit_value": f"{self.limit_value:,}", "show_value": f"{length:,}"},
            )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one field; each checked on its content by ``check_uploads``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [upload for upload in files if upload]
        for upload in files:
            if not upload.size:
                raise ValidationError(
                    _("The file %(name)s is empty.") % {"name": upload.name}, code="empty"
                )
        check_uploads(files)
        return files


def attachment_help() -> str:
    return str(
        _(
            "Optional. Up to %(count)s files, each at most %(size)s: PDF, JPEG or PNG "
            "images, or plain text."
        )
        % {
            "count": settings.FEEDBACK_ATTACHMENT_MAX_FILES,
            "size": size_text(settings.FEEDBACK_ATTACHMENT_MAX_BYTES),
        }
    )


class PublicFeedbackForm(LengthLimits, forms.Form):
    """What a customer tells the organisation. ``identified``: the sender is known
    from their link, so the form does not ask who they are."""

    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=PUBLIC_KINDS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you would like to send."),
            "invalid_choice": _("Choose what you would like to send."),
        },
    )
    description = forms.CharField(
        label=_("Tell us about it"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, when, and what you would like us to do."),
        error_messages={
            "required": _("Write what you would like to tell us."),
            "max_length": _(
                "Write at most %(limit_value)s characters: this text has %(show_value)s."
            ),
        },
    )
    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        max_length=200,
        help_text=_("Optional: a few words that sum it up."),
        error_messages={
            "max_length": _("Keep the subject to %(limit_value)d characters or fewer."),
        },
    )
    product = forms.ModelChoiceField(
        label=_("Product or service it is about"),
        queryset=ProductService.objects.none(),
        required=False,
        empty_label=_("Not about one product or service"),
        error_messages={"invalid_choice": _("Choose a product or service from the list.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": _("Keep your name to %(limit_value)d characters or fewer.")},
    )
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Optional, but without it we cannot reply to you or send you a reference and "
            "an acknowledgement."
        ),
        error_messages={
            "invalid": _("Enter an email address such as name@example.com."),
            "max_length": _("Enter an email address of %(limit_value)d characters or fewer."),
        },
    )
    attachments = AttachmentsField(label=_("Attachments"), required=False)
    # Signed, so a post cannot bring a key of its own choosing.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, identified: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The catalogue is small: a drop-down of what is on offer.
        self.fields["product"].queryset = ProductService.objects.active().order_by("name")  # type: ignore[attr-defined]
        self.fields["attachments"].help_text = attachment_help()
        # The limit's message writes its numbers as the help text does (10,000).
        description = self.fields["description"]
        description.validators = [
            TextLengthValidator(v.limit_value) if isinstance(v, MaxLengthValidator) else v
            for v in description.validators
        ]
        if identified:
            del self.fields["name"]
            del self.fields["email"]
        if not self.is_bound:
            self.initial["submission_key"] = new_submission_key()

    def clean_submission_key(self) -> str:
        """Return the key the form was rendered with, its signature checked ("" when
        the post brings none: it is then not guarded against being sent twice)."""
        signed = self.cleaned_data["submission_key"]
        if not signed:
            return ""
        try:
            key = signing.loads(signed, salt=SUBMISSION_KEY_SALT)
        except signing.BadSignature:
            key = ""
        if not isinstance(key, str) or not key:
            # Said in the summary, not on the hidden field; the form comes back with a
            # key of its own, so sending it again works.
            data: Any = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
            data["submission_key"] = new_submission_key()
            self.data = data
            self.add_error(None, _("This form could not be checked. Please send it again."))
            return ""
        return key

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a refusal of the service on its field (a file's on the attachments)."""
        if not hasattr(exc, "error_dict"):
            self.add_error("attachments", exc)
            return
        for field, errors in exc.error_dict.items():
            target = field if field in self.fields else None
            self.add_error(target, errors)
