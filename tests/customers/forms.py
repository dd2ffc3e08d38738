"""Test helper: the data a person sends when they submit a form without changing it."""

from datetime import date
from typing import Any

from django.db.models import Model


def unchanged_post(form: Any) -> dict[str, Any]:
    """Return the POST data of the form as it is shown, every field left as it was."""
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [v.pk if isinstance(v, Model) else v for v in value]
        elif isinstance(value, Model):
            data[name] = value.pk
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data
