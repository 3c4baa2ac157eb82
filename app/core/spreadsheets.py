"""One table as an Excel workbook: bold Indonesian headers, column widths, the first row frozen, numbers with
their number formats (Rupiah, kg, WIB times as dates). openpyxl's write-only mode streams the rows, so a
long export keeps its memory flat; `progress(done, total)` is called every CHUNK rows."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.formatting import to_jakarta

RUPIAH = '"Rp" #,##0'
KG = '#,##0.00 "kg"'
WIB = "dd/mm/yyyy hh:mm"
CHUNK = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: object  # lazy text, rendered when the sheet is written
    value: Callable
    number_format: str | None = None
    width: int = 16


def wib(moment):
    """A stored naive-UTC time as the WIB time Excel shows (Excel has no time zones)."""
    return to_jakarta(moment).replace(tzinfo=None) if moment else None


def table_workbook(title, columns: tuple[Column, ...], rows: Iterable, total: int, progress=None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title))
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, str(column.header), bold=True) for column in columns])
    for done, row in enumerate(rows, 1):
        sheet.append([_cell(sheet, column.value(row), column.number_format) for column in columns])
        if progress is not None and (done % CHUNK == 0 or done == total):
            progress(done, total)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(sheet, value, number_format: str | None = None, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell
