"""CSV downloads safe to open in a spreadsheet, for every register's exports.

A cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or
a carriage return) gets a leading apostrophe, as OWASP's CSV-injection guidance says;
a cell that is only a number or a phone number is left as it is, since no
spreadsheet runs "+44 20 7946 0958" as anything but text or a number.

The import takes the apostrophe off again (``unprotect_cell``), so an exported file
imports back unchanged. To keep the two exact inverses, text that already looks
escaped (an apostrophe, then a formula) gets one more apostrophe on the way out.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HARMLESS_NUMBER = re.compile(r"^[+-]?[0-9][0-9\s().-]*$")


def _needs_apostrophe(text: str) -> bool:
    # A formula, or text that would read as an escaped one (apostrophes, then a
    # formula): "'=1" must not come back from an import as "=1".
    text = text.lstrip("'")
    return text.startswith(FORMULA_START) and not HARMLESS_NUMBER.match(text)


def safe_cell(value: Any) -> str:
    """Return the value as a cell no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if _needs_apostrophe(text) else text


def unprotect_cell(cell: str) -> str:
    """Return the text ``safe_cell`` made this cell from: without the apostrophe it
    added, and with any other apostrophe kept ("'Tis" stays as it is)."""
    if cell.startswith("'") and _needs_apostrophe(cell[1:]):
        return cell[1:]
    return cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """Yield CSV lines (with a BOM first, for spreadsheets) to stream as a download."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def yes_no(value: bool) -> str:
    return "yes" if value else "no"
