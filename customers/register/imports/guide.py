"""What the import page tells people: each column, the values it takes, and a template.

The columns come from ``reading.COLUMNS`` and the allowed values of the choice
columns from ``reading.CHOICE_COLUMNS`` (the models' own choices), so the page, the
template file and the checks cannot drift apart.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import User
from customers.models import Contact, Customer, ImportJob, Segment
from customers.register.imports.reading import CHOICE_COLUMNS, COLUMNS

Kind = ImportJob.Kind
YES_NO = [("yes", _("yes")), ("no", _("no"))]
DATE = _("A date, YYYY-MM-DD.")

# What each column takes, in words; the choice columns also list their values.
DESCRIPTIONS: dict[str, dict[str, Promise]] = {
    Kind.CONTACTS: {
        "customer": _("The customer's name, as in the register."),
        "name": _("The person's name."),
        "email": _("Their email address. With the customer, it says which contact a row updates."),
        "customer_country": _(
            "The customer's country (name or two-letter code), where several customers "
            "share the name."
        ),
        "phone": _("Digits, spaces, + ( ) - . / and an extension."),
        "role": _("Their job or role."),
        "language": _("The language of the surveys they receive; English if empty."),
        "consent": _("Whether they agreed to be surveyed; no if empty."),
        "consent_on": _("The date they agreed, YYYY-MM-DD: needed when consent is yes."),
        "consent_source": _("How they agreed; Imported list if empty."),
        "opted_out": _("Whether they asked to receive no surveys; no if empty."),
    },
    Kind.CUSTOMERS: {
        "name": _("The customer's name. With the country, it says which customer a row updates."),
        "kind": _("Organisation if empty."),
        "status": _(
            "Prospect if empty. A status moves only along its workflow; a lost customer "
            "needs lost_on and lost_reason."
        ),
        "country": _("A country name or its two-letter code."),
        "segments": _("Segment names as in the register, separated by semicolons."),
        "account_owner": _("The email address of a person who signs in here."),
        "tier": _("Standard if empty."),
        "revenue_band": _("Annual revenue; may be empty."),
        "lost_on": DATE,
        "lost_reason": _("Why the customer was lost."),
        "notes": _("Free text."),
    },
}
YES_NO_COLUMNS = {"consent", "opted_out"}


@dataclass
class Column:
    name: str
    required: bool
    takes: Promise
    choices: list[tuple[str, Any]] = field(default_factory=list)


def columns(kind: str) -> list[Column]:
    """Return the columns of a file of this kind, each with what it takes."""
    names = COLUMNS[kind]
    choices = CHOICE_COLUMNS[kind]
    return [
        Column(
            name=name,
            required=name in names["required"],
            takes=DESCRIPTIONS[kind][name],
            choices=(
                list(choices[name].choices)
                if name in choices
                else YES_NO
                if name in YES_NO_COLUMNS
                else []
            ),
        )
        for name in names["required"] + names["optional"]
    ]


def example_row(kind: str, *, by: User) -> list[str]:
    """Return one row that imports cleanly into the register as it is, in header order.

    A contact's row names a customer of the register (the first by name), a
    customer's row one of its segments; the account owner is the person who asks.
    """
    if kind == Kind.CONTACTS:
        customer = Customer.objects.active().order_by("name").first()
        values = {
            "customer": customer.name if customer else "Example Trading Ltd",
            "customer_country": str(customer.country) if customer else "",
            "name": "Asha Verma",
            "email": "asha.verma@example.com",
            "phone": "+44 20 7946 0000",
            "role": "Quality lead",
            "language": Contact.Language.ENGLISH,
            "consent": "yes",
            "consent_on": timezone.localdate().isoformat(),
            "consent_source": Contact.ConsentSource.FORM,
            "opted_out": "no",
        }
    else:
        segment = Segment.objects.active().order_by("name").first()
        values = {
            "name": "Example Trading Ltd",
            "kind": Customer.Kind.ORGANISATION,
            "status": Customer.Status.PROSPECT,
            "country": "GB",
            "segments": segment.name if segment else "",
            "account_owner": by.email if by.is_active else "",
            "tier": Customer.Tier.STANDARD,
            "revenue_band": Customer.RevenueBand.TO_1M,
            "lost_on": "",
            "lost_reason": "",
            "notes": "Met at the trade fair.",
        }
    names = COLUMNS[kind]
    return [str(values[name]) for name in names["required"] + names["optional"]]
