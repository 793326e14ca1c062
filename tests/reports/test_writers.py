import csv
import io

import pytest
from openpyxl import load_workbook

from reports.writers import BOM, csv_lines, safe_cell, write_xlsx


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1-800", "'+1-800"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Quintero-Ávila", "Quintero-Ávila"),
        (42, 42),
        (None, None),
    ],
)
def test_cells_that_would_run_as_formulas_are_neutralised(value, shown):
    assert safe_cell(value) == shown


def test_csv_starts_with_a_bom_and_keeps_accents():
    text = "".join(csv_lines(["name", "center"], [["José Hernández", "EAST"], ["=cmd", None]]))
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [["name", "center"], ["José Hernández", "EAST"], ["'=cmd", ""]]


def test_xlsx_holds_each_sheet_with_safe_cells():
    stream = io.BytesIO()
    write_xlsx(stream, sheets=[("Figures", ["figure", "youth"], [["Reached", 31], ["=1+1", 2]])])
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["figure", "youth"],
        ["Reached", 31],
        ["'=1+1", 2],
    ]
