"""The one way to write a spreadsheet export (CSV or XLSX). Every export uses it, so that
every cell is safe to open in Excel:

- a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
  with a leading apostrophe, so spreadsheet programs never run it as a formula;
- CSV is written for Dutch Excel: ``;`` as separator and a UTF-8 byte order mark;
- XLSX holds real dates and date-times, in local time (naive, as Excel has no time zones).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet cannot mistake for a formula."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value.replace(tzinfo=None)


def _xlsx_cell(value):
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return _local(value)
    if isinstance(value, datetime.date):
        return value
    # Excel breaks lines in a cell with LF; a CR reads back differently per openpyxl version.
    text = _strip_illegal(neutralise(str(value)))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        # Numbers are numbers, also when negative: no apostrophe, a decimal comma for Excel.
        return str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return neutralise(str(value))


def _strip_illegal(value: str) -> str:
    """XLSX cannot hold control characters other than tab, newline and carriage return."""
    return "".join(c for c in value if ord(c) >= 32 or c in "\t\n\r")


def to_csv(headers: Sequence, rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(headers: Sequence, rows: Iterable[Sequence], *, title: str = "Export") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.append([_xlsx_cell(h) for h in headers])
    for row in rows:
        cells = []
        for value in row:
            cell = _xlsx_cell(value)
            if isinstance(cell, datetime.datetime | datetime.date):
                cell = WriteOnlyCell(sheet, value=cell)
                cell.number_format = (
                    "dd-mm-yyyy hh:mm"
                    if isinstance(cell.value, datetime.datetime)
                    else "dd-mm-yyyy"
                )
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(c for c in str(title) if c not in "[]:*?/\\" and ord(c) >= 32)
    return (cleaned or "Export")[:31]


def export_response(*, fmt: str, name: str, headers: Sequence, rows: Iterable[Sequence], title=""):
    """An HTTP download of `rows` as CSV or XLSX (`fmt`), named after `name`."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    filename = f"{slugify(name) or 'export'}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(to_csv(headers, rows), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(
            to_xlsx(headers, rows, title=title or name), content_type=XLSX_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def guard_wagtail_spreadsheets() -> None:
    """Wagtail's own CSV downloads (site history and the other reports, every listing of a
    viewset) write text cells as they are; its XLSX is safe. Route their text cells through
    `neutralise` as well, in the one place all of them share. Called once from
    `CoreConfig.ready`; idempotent."""
    if getattr(SpreadsheetExportMixin, "_glans_guarded", False):
        return
    preprocess = SpreadsheetExportMixin.preprocess_field_value

    def preprocess_field_value(self, field, value, export_format):
        value = preprocess(self, field, value, export_format)
        if export_format == SpreadsheetExportMixin.FORMAT_CSV and isinstance(value, str):
            return neutralise(value)
        return value

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin._glans_guarded = True
