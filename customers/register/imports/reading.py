"""Reading an uploaded CSV file: its size, its encoding, its header row, its cells.

Everything here is about the file, not the register: ``read_csv`` turns bytes into
rows keyed by checked column names, ``rows_at_most`` counts them cheaply, the
``parse_*`` functions turn one cell into a value (``None`` when the cell cannot be
read), and ``cell_refusal`` and ``field_refusal`` say why a cell cannot be stored.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator
from django.db.models import Field, Model
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from core.exports import unprotect_cell
from core.limits import over_limit
from customers.models import Contact, Customer, ImportJob

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
# The columns that take one of a model's choices, by value or label: the checks read
# their choices here and the import page lists them from here.
CHOICE_COLUMNS: dict[str, dict[str, Any]] = {
    ImportJob.Kind.CONTACTS: {
        "language": Contact.Language,
        "consent_source": Contact.ConsentSource,
    },
    ImportJob.Kind.CUSTOMERS: {
        "kind": Customer.Kind,
        "status": Customer.Status,
        "tier": Customer.Tier,
        "revenue_band": Customer.RevenueBand,
    },
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


ACCEPTED = _lazy(
    "The import reads UTF-8 files, with or without a BOM (“CSV UTF-8” in a spreadsheet), "
    "and, when you choose them on the upload form, Windows-1252 (Excel's plain “CSV” on "
    "Windows) and UTF-16 (“Unicode Text”)."
)
UTF_16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
Encoding = ImportJob.Encoding
NAMES = {Encoding.UTF_8: "UTF-8", Encoding.WINDOWS_1252: "Windows-1252", Encoding.UTF_16: "UTF-16"}


def decode(data: bytes, encoding: str = Encoding.UTF_8) -> str:
    """Return the file's text in the chosen encoding, or say why it cannot be read.

    A file that is plainly in another encoding (a byte order mark, NUL bytes, UTF-8
    read as Windows-1252) is refused with the encoding to choose, rather than read
    into garbled names; a byte that cannot be read is named with its line.
    """
    chosen = Encoding(encoding)
    looks_utf_16 = _looks_utf_16(data)
    if chosen == Encoding.UTF_16:
        if not looks_utf_16:
            raise ImportFileError(
                _("The file is not UTF-16 text: choose the encoding it was saved in. %(accepted)s")
                % {"accepted": ACCEPTED}
            )
        if not data.startswith(UTF_16_BOMS):
            # No byte order mark: the zero bytes of plain letters say which order.
            encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
    elif looks_utf_16:
        raise ImportFileError(
            _("The file is UTF-16 text (“Unicode Text”): choose UTF-16 as its encoding.")
        )
    elif chosen == Encoding.WINDOWS_1252 and _is_utf_8(data):
        raise ImportFileError(
            _(
                "The file is UTF-8 text, not Windows-1252: choose UTF-8 as its encoding "
                "(read as Windows-1252, its accented letters would be garbled)."
            )
        )
    codec = "utf-8-sig" if chosen == Encoding.UTF_8 else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        readable = data[: exc.start].decode(codec, errors="replace")
        raise ImportFileError(
            _(
                "Line %(line)d cannot be read as %(encoding)s (byte %(position)d of the "
                "file): the file was saved in another encoding. %(accepted)s Save it "
                'from your spreadsheet as "CSV UTF-8", or choose the encoding it was '
                "saved in, and upload it again."
            )
            % {
                "line": readable.count("\n") + 1,
                "encoding": NAMES[chosen],
                "position": exc.start + 1,
                "accepted": ACCEPTED,
            }
        ) from exc


def _looks_utf_16(data: bytes) -> bool:
    """Return whether the bytes look like UTF-16 text: a byte order mark, or the zero
    byte that every plain letter carries in UTF-16 (a header row is plain letters).
    A stray NUL in a UTF-8 file is not enough: the check names its row and column."""
    if data.startswith(UTF_16_BOMS):
        return True
    start = data[:1000]
    return bool(start) and start.count(b"\x00") * 4 >= len(start)


def _is_utf_8(data: bytes) -> bool:
    """Return whether the file has UTF-8 text beyond plain ASCII."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def rows_at_most(data: bytes, encoding: str = Encoding.UTF_8) -> int:
    """Return how many rows the file holds at most, its header row not counted.

    Cheap enough to decide, before reading the file, whether it is checked in the
    request or by a task. Every line end the reader knows counts ("\\r\\n", "\\r"
    alone or "\\n", as the csv module reads them); a line break inside a quoted cell,
    or a blank line, counts as a row too, so the figure errs high and a large file
    never looks small. A file that cannot be decoded is counted in its bytes, where
    each line end still is (in UTF-16 as in ASCII, with a few extra).
    """
    try:
        text = decode(data, encoding)
    except ImportFileError:
        breaks = data.count(b"\r") + data.count(b"\n") - data.count(b"\r\n")
        ends_open = not data.endswith((b"\r", b"\n"))
    else:
        breaks = text.count("\r") + text.count("\n") - text.count("\r\n")
        ends_open = not text.endswith(("\r", "\n"))
    return max(0, breaks + ends_open - 1)


def read_csv(data: bytes, kind: str, encoding: str = Encoding.UTF_8) -> list[dict[str, str]]:
    """Return the rows of a CSV file as dicts keyed by its (checked) headers."""
    if too_large(len(data)):
        raise ImportFileError(too_large_message())
    text = decode(data, encoding)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.splitlines()[0]
    # Commas, or what spreadsheets write elsewhere: semicolons where the comma is the
    # decimal mark, tabs in "Unicode Text".
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _rows(reader, kind)
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)d cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _rows(reader: Any, kind: str) -> list[dict[str, str]]:
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
        padded = [cell.strip() for cell in cells + [""] * (width - len(cells))]
        # An exported file imports back as it was: the apostrophe the export put
        # before a formula-like cell comes off (and any other stays).
        values = [unprotect_cell(cell) if cell[:1] == "'" else cell for cell in padded]
        rows.append(dict(zip(headers, values, strict=True)))
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


# How a database export (PostgreSQL's COPY, MySQL's) writes an empty value; the fast
# insert (core.bulk) would read it as one too, where the column takes none.
NULL_MARKER = "\\N"


def cell_refusal(cell: str) -> str | None:
    """Return why no column of the register can store this cell, or None."""
    if "\x00" in cell:
        return _(
            "A NUL character (an invisible control character that conversions from "
            "other programs leave behind) is in this cell: remove it, the register "
            "cannot store it."
        )
    if cell == NULL_MARKER:
        return _(
            "“\\N” is how a database export writes an empty value: leave the cell empty instead."
        )
    return None


def field_refusal(model: type[Model], field: str, value: str) -> str | None:
    """Return why a cell cannot fill the model's field, or None when it can.

    The field's own validators run, as in a form; an empty cell skips them, as in a
    form (whether a column may be empty is for the checks to say). Over the field's
    length the message says the limit, in the words every form uses: a value is
    refused, never cut.
    """
    if not value:
        return None
    limit, validators = _rules(model, field)
    if limit and len(value) > limit:
        return over_limit(value, limit)
    for validate in validators:
        try:
            validate(value)
        except ValidationError as exc:
            return " ".join(exc.messages)
    return None


@lru_cache(maxsize=64)
def _rules(model: type[Model], field: str) -> tuple[int | None, tuple[Callable[[str], None], ...]]:
    """Return the field's length limit and its other validators, read once."""
    model_field = model._meta.get_field(field)
    if not isinstance(model_field, Field):
        return None, ()
    # The length limit is said in the forms' words (``over_limit``); Django's email
    # check is swapped for the same rules run faster over a file's worth of addresses.
    validators = tuple(
        _validate_email if isinstance(validator, EmailValidator) else validator
        for validator in model_field.validators
        if not isinstance(validator, MaxLengthValidator)
    )
    return model_field.max_length, validators


_email_validator = EmailValidator()
_EMAIL_USER = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)


@lru_cache(maxsize=4096)
def _email_domain_ok(domain: str) -> bool:
    # A file holds many addresses at few domains: each domain is checked once.
    return domain in _email_validator.domain_allowlist or _email_validator.validate_domain_part(
        domain
    )


def email_ok(value: str) -> bool:
    """Apply Django's EmailValidator rules, faster for a file's worth of addresses."""
    if not value or "@" not in value or len(value) > 320:
        return False
    user, domain = value.rsplit("@", 1)
    return bool(_EMAIL_USER.match(user)) and _email_domain_ok(domain)


def _validate_email(value: str) -> None:
    if not email_ok(value):
        raise ValidationError(_("'%(value)s' is not an email address.") % {"value": value})
