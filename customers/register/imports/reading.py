"""Reading an uploaded CSV file: its size, its encoding, its header row, its cells.

Everything here is about the file, not the register: ``read_csv`` turns bytes into
rows keyed by checked column names, and the ``parse_*`` functions turn one cell into
a value (``None`` when the cell cannot be read).
"""

import csv
import io
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from core.limits import over_limit
from customers.models import ImportJob

CONTACT_COLUMNS = {
    "required": ["customer", "name", "email"],
    "optional": [
        "customer_country",
        "phone",
        "role",
        "language",
        "consent",
        "consent_on",
        "consent_source",
        "opted_out",
    ],
}
CUSTOMER_COLUMNS = {
    "required": ["name"],
    "optional": [
        "kind",
        "status",
        "country",
        "segments",
        "account_owner",
        "tier",
        "revenue_band",
        "lost_on",
        "lost_reason",
        "notes",
    ],
}
COLUMNS: dict[str, dict[str, list[str]]] = {
    ImportJob.Kind.CONTACTS: CONTACT_COLUMNS,
    ImportJob.Kind.CUSTOMERS: CUSTOMER_COLUMNS,
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says what to fix."""


def upload_limit() -> str:
    """Return ``IMPORT_MAX_UPLOAD_BYTES`` as people read it: "10 MB"."""
    size = settings.IMPORT_MAX_UPLOAD_BYTES
    megabyte = 1024 * 1024
    return f"{size // megabyte} MB" if size % megabyte == 0 else str(filesizeformat(size))


def too_large_message() -> str:
    """Return the one message for a file over ``IMPORT_MAX_UPLOAD_BYTES``."""
    return _("The file is larger than %(limit)s: split it into smaller files.") % {
        "limit": upload_limit()
    }


def too_large(size: int | None) -> bool:
    return size is not None and size > settings.IMPORT_MAX_UPLOAD_BYTES


def read_csv(data: bytes, kind: str) -> list[dict[str, str]]:
    """Return the rows of a CSV file as dicts keyed by its (checked) headers."""
    if too_large(len(data)):
        raise ImportFileError(too_large_message())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (byte %(position)d cannot be read). Save it "
                'from your spreadsheet as "CSV UTF-8" and upload it again.'
            )
            % {"position": exc.start + 1}
        ) from exc
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [name.strip().lower() for name in next(reader, [])]
    columns = COLUMNS[kind]
    missing = [name for name in columns["required"] if name not in headers]
    unknown = [name for name in headers if name not in columns["required"] + columns["optional"]]
    if missing or unknown or len(set(headers)) != len(headers):
        parts = []
        if missing:
            parts.append(_("missing: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("not known: %(names)s") % {"names": ", ".join(unknown)})
        if len(set(headers)) != len(headers):
            parts.append(_("a column appears twice"))
        raise ImportFileError(
            _("The header row does not fit (%(problems)s). The columns are: %(columns)s.")
            % {
                "problems": "; ".join(parts),
                "columns": ", ".join(columns["required"] + columns["optional"]),
            }
        )
    width = len(headers)
    rows = []
    for cells in reader:
        if not any(cells):
            continue  # a blank line
        if len(cells) > width:
            raise ImportFileError(
                _("Row %(row)d has more cells than the header row.") % {"row": reader.line_num}
            )
        padded = cells + [""] * (width - len(cells))
        rows.append(dict(zip(headers, map(str.strip, padded), strict=True)))
    if not rows:
        raise ImportFileError(_("The file has a header row but no data."))
    return rows


@lru_cache(maxsize=64)
def _choice_map(choices: Any, language: str | None) -> dict[str, str]:
    # Labels are translated: one map per language, built once, not once per row.
    mapping = {}
    for choice_value, label in choices.choices:
        mapping[str(label).lower()] = str(choice_value)
        mapping[str(choice_value).lower()] = str(choice_value)
    return mapping


def parse_choice(
    value: str, choices: Any, default: str = "", language: str | None = None
) -> str | None:
    """Return the choice matching a value or a label, case-insensitively; None if none."""
    if not value:
        return default
    return _choice_map(choices, language or get_language()).get(value.strip().lower())


def parse_bool(value: str) -> bool | None:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    return None


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_country(value: str) -> str | None:
    if not value:
        return ""
    if value.upper() in dict(countries):
        return value.upper()
    return countries.by_name(value) or None


def choice_labels(choices: Any) -> str:
    return ", ".join(str(value) for value, _label in choices.choices)


def length_refusal(model: type[Model], field: str, value: str) -> str | None:
    """Return why a cell is too long for the field it fills, saying the field's limit,
    or None when it fits: a value is refused, never cut."""
    limit = getattr(model._meta.get_field(field), "max_length", None)
    return over_limit(value, limit) if limit else None
