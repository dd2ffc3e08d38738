"""Forms of the campaigns register's pages: sending one invitation, withdrawing one."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import LengthLimits
from surveys.design.models import QuestionnaireVersion

# Approved versions are few (a newer one retires the one before); the form offers at
# most this many, so the page stays bounded whatever the register holds.
SENDABLE_SHOWN = 30


def sendable_versions() -> QuerySet[QuestionnaireVersion]:
    """Return the versions the send page offers: approved, of live questionnaires."""
    return (
        QuestionnaireVersion.objects.sendable()
        .select_related("questionnaire")
        .order_by("questionnaire__name", "-number", "pk")
    )


class VersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class SendForm(forms.Form):
    """Choose the approved version to send; those that would be refused are not offered."""

    version = VersionChoice(
        label=_("Questionnaire version"),
        queryset=QuestionnaireVersion.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Only approved versions of questionnaires in use can be sent."),
    )

    def __init__(self, *args: Any, offered: list[QuestionnaireVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["version"]
        field.queryset = QuestionnaireVersion.objects.filter(pk__in=[v.pk for v in offered])
        # The choices come from the versions already read, in their order: no query more.
        field.choices = [(version.pk, str(version)) for version in offered]
        if len(offered) == 1:
            self.initial.setdefault("version", offered[0].pk)


class WithdrawForm(LengthLimits, forms.Form):
    reason = forms.CharField(
        label=_("Why is this invitation withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Its links stop working at once: the contact sees that the survey is closed."),
    )
