"""Forms and form helpers every register's pages share."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class VoidForm(forms.Form):
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


class SearchForm(forms.Form):
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
