"""What importing a file would do: the plan a check makes and the writer carries out."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.register.imports.reading import NULL_MARKER, cell_refusal

MAX_REPORTED = 200
# Updates shown field by field in the preview: the first ones in the file. Only these
# are compared value by value, so a file of 50,000 updates costs no more to check.
MAX_CHANGES = 20
SHOWN_LENGTH = 200


@dataclass
class Plan:
    """What importing a file would do."""

    kind: str
    total: int = 0
    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    segment_links: dict[int, list[int]] = field(default_factory=dict)
    # Looked up once: choice labels are matched in the language of the request.
    language: str = field(default_factory=lambda: get_language() or "en")

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def refuse_cells(self, number: int, row: dict[str, str]) -> bool:
        """Report each cell of the row that no column can store; return whether any.

        Such a row is not checked further: its other errors show once it is fixed.
        """
        cells = row.values()
        if NULL_MARKER not in cells and "\x00" not in "".join(cells):
            return False  # the usual row, found at once
        refused = False
        for column, cell in row.items():
            if message := cell_refusal(cell):
                self.error(number, column, message)
                refused = True
        return refused

    def wants_changes(self) -> bool:
        """Return whether the preview still shows the next update field by field."""
        return len(self.changes) < MAX_CHANGES

    def change(
        self, row: int, record: dict[str, str], fields: Iterable[tuple[str, str, str]]
    ) -> None:
        """Show an update in the preview: each column it changes, now and after."""
        self.changes.append(
            {
                "row": row,
                **record,
                "fields": [{"column": c, "old": old, "new": new} for c, old, new in fields],
            }
        )

    def preview(self) -> dict[str, Any]:
        return {
            "counts": {
                "rows": self.total,
                "create": len(self.creates),
                "update": len(self.updates),
                "unchanged": self.unchanged,
                "skip": len(self.skipped),
                "errors": len(self.errors),
            },
            "errors": self.errors[:MAX_REPORTED],
            "more_errors": max(0, len(self.errors) - MAX_REPORTED),
            "skipped": self.skipped[:MAX_REPORTED],
            "sample": self.sample[:20],
            "changes": self.changes,
            "more_changes": max(0, len(self.updates) - len(self.changes)),
        }


def name_key(name: str) -> str:
    """Return the key two names share when the database may hold them as one name.

    The unique constraints on names compare ``LOWER(name)``, and databases lower
    letters differently from Python and from each other: SQLite only A-Z;
    PostgreSQL letter by letter ("İ" becomes "i", a final capital sigma the plain
    small one, where Python writes the final form),
    or with ICU as Python does. This key makes equal the names any of them makes
    equal (and a few more), so the check, not the database, finds two rows for one
    customer.
    """
    if name.isascii():
        return name.lower()
    # Letter by letter, one letter each ("İ" gives "i", not Python's "i" and a dot),
    # with the final sigma as the plain one.
    lowered = "".join(letter.lower()[:1] for letter in name)
    return lowered.replace("\N{GREEK SMALL LETTER FINAL SIGMA}", "\N{GREEK SMALL LETTER SIGMA}")


def columns_present(
    values: dict[str, Any], row: dict[str, str], fields: dict[str, list[str]]
) -> dict[str, Any]:
    """Keep the values whose columns the file has: an update leaves the others alone."""
    kept = {field for column, names in fields.items() if column in row for field in names}
    return {name: value for name, value in values.items() if name in kept}


def shown(value: Any, choices: Any = None) -> str:
    """Return a value as the preview shows it: a choice's label, yes or no, a date."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return value.isoformat()
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return Truncator(str(value)).chars(SHOWN_LENGTH)


def masked_email(email: str) -> str:
    """Return an address as a skipped row shows it: enough to find the row in the file
    ("a…@e….com"), not the address of a person who asked to be left alone."""
    user, _at, domain = email.partition("@")
    host, dot, top = domain.rpartition(".")
    if not dot:
        host, top = domain, ""
    return f"{user[:1]}…@{host[:1]}…{dot}{top}"
