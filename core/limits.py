"""How long the text people enter may be: one definition for models, forms and imports.

A value over a field's limit is refused with a message that says the limit; it is
never cut. Free text (a ``TextField``) is held to ``TEXT_MAX_LENGTH``: enough for any
note, reason or requirement, short enough to read and to print in an evidence pack.
"""

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

TEXT_MAX_LENGTH = 10_000


def over_limit(value: str, limit: int) -> str | None:
    """Return why the value is too long for the limit, or None when it fits."""
    if len(value) <= limit:
        return None
    return _("At most %(limit)s characters are allowed; this has %(length)s.") % {
        "limit": number_format(limit, force_grouping=True),
        "length": number_format(len(value), force_grouping=True),
    }


def check_length(value: str, *, field: str, limit: int = TEXT_MAX_LENGTH) -> None:
    """Raise a ValidationError on ``field`` if the value is over the limit."""
    if message := over_limit(value, limit):
        raise ValidationError({field: message})
