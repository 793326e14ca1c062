"""Spreadsheet output that is safe to open: CSV (UTF-8 with a BOM, so Excel keeps accents) and
XLSX, row by row, with cells that a spreadsheet would run as formulas neutralised."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO

from openpyxl import Workbook

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value):
    """The value as a spreadsheet should show it: text that would start a formula gets a
    leading apostrophe (OWASP's advice for CSV injection). Numbers and dates pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text one line at a time, the BOM first, for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    yield BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
        yield buffer.getvalue()


def write_xlsx(
    stream: IO[bytes], *, sheets: Iterable[tuple[str, Iterable[str], Iterable[Iterable]]]
) -> None:
    """Write an XLSX workbook of (title, header, rows) sheets. Write-only mode keeps memory
    flat however many rows there are."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append([safe_cell(cell) for cell in row])
    workbook.save(stream)
