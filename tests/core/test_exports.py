"""The CSV cells every register's exports write: nothing a spreadsheet runs as a
formula, numbers and phone numbers as they are."""

import pytest

from core.exports import csv_lines, safe_cell, unprotect_cell


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-42", "-42"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+91 (22) 5555-0100", "+91 (22) 5555-0100"),
        ("\tnote", "'\tnote"),
        ("Plain text", "Plain text"),
    ],
)
def test_export_cells_that_could_run_as_formulas_are_escaped(value, exported):
    assert safe_cell(value) == exported


def test_the_lines_start_with_a_bom_and_escape_every_cell_but_the_header():
    lines = list(csv_lines(["name", "note"], [["=1+1", "plain"], ["Ann", None]]))

    assert lines == ["\ufeffname,note\r\n", "'=1+1,plain\r\n", "Ann,\r\n"]


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://x")',
        "@SUM(A1)",
        "-2+3",
        "-42",
        "+44 20 7946 0958",
        "\tnote",
        "Plain text",
        "'Tis",
        "'=not a formula",
        "''=twice",
        "'-5",
        "'",
        "",
    ],
)
def test_unprotect_cell_gives_back_exactly_what_safe_cell_escaped(value):
    assert unprotect_cell(safe_cell(value)) == value


@pytest.mark.parametrize("cell", ["'Tis", "'-5", "'+44 20 7946 0958", "'", "it's"])
def test_unprotect_cell_leaves_an_apostrophe_the_export_would_not_have_added(cell):
    assert unprotect_cell(cell) == cell
