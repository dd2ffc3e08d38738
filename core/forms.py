"""Forms and form helpers every register's pages share."""

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.limits import TEXT_MAX_LENGTH


def limit_lengths(form: forms.BaseForm) -> None:
    """Hold every text field to its limit with a message, and never let it be cut.

    A browser silently cuts a value pasted into a field with a ``maxlength``
    attribute, so the attribute goes and the form's own message says the limit. A
    free-text field (a textarea) without a limit of its own gets ``TEXT_MAX_LENGTH``,
    and its help text says so. A form that adds fields after its ``__init__`` calls
    this again; fields already held are left as they are.
    """
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or getattr(field, "length_limited", False):
            continue
        field.length_limited = True  # type: ignore[attr-defined]  # run again: added fields
        field.widget.attrs.pop("maxlength", None)
        if not isinstance(field.widget, forms.Textarea):
            continue
        if field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        limit = format_lazy(_("Up to {limit} characters."), limit=f"{field.max_length:,}")
        field.help_text = format_lazy("{} {}", field.help_text, limit) if field.help_text else limit


class LengthLimits:
    """A form whose text fields say their limit and are never cut (``limit_lengths``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_lengths(self)  # type: ignore[arg-type]


class VoidForm(LengthLimits, forms.Form):
    reason = forms.CharField(
        label=_("Why is this record voided?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The record stays, marked void, with this reason, and can no longer be changed."
        ),
    )


def offer_workflow_moves(form: forms.ModelForm, field_name: str = "status") -> None:
    """Offer on a status field only the stored status and the moves its workflow allows.

    A new record keeps every choice; the service still checks the move.
    """
    instance = form.instance
    if instance.pk is None:
        return
    field: Any = form.fields[field_name]
    allowed = {instance.status, *instance.allowed_transitions()}
    field.choices = [choice for choice in field.choices if choice[0] in allowed]
    field.help_text = _("Only the moves the workflow allows are offered.")


class SearchForm(LengthLimits, forms.Form):
    """The header search: at least two characters, so a stray key lists nothing."""

    MAX_LENGTH = 100

    q = forms.CharField(
        label=_("Search records"),
        min_length=2,
        max_length=MAX_LENGTH,
        error_messages={
            "min_length": _("Type at least %(limit_value)d characters to search."),
            "max_length": _(
                "Search for at most %(limit_value)d characters (you typed %(show_value)d)."
            ),
            "required": _(
                "Type a name, an email address, a reference or a title, at least two "
                "characters, and press Enter."
            ),
        },
    )
