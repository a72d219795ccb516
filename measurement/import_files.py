"""Reading a group-list file (CSV or XLSX) for `imports`: streamed, with a byte cap and a row
cap that are settings, so a big or hostile file is refused early and nothing is imported."""

from __future__ import annotations

import csv
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# Caps are settings (data, not constants); these are the defaults.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000
MAX_COLUMNS = 50
# An XLSX is a zip file: refuse one that unpacks to more than this (a zip bomb).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "GLANS_MEASUREMENT_IMPORT_MAX_BYTES", MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "GLANS_MEASUREMENT_IMPORT_MAX_ROWS", MAX_ROWS))


def too_many_rows() -> ValidationError:
    return ValidationError(_("Te veel regels (maximaal %(n)s).") % {"n": max_rows()})


def _limited(rows):
    """Stop reading once a file has more lines than an import may have: the rest of the file
    is never read (blank lines count too, up to a margin, so a sheet of empty rows stops)."""
    limit = max_rows()
    nonblank = 0
    for number, row in enumerate(rows, start=1):
        if number > limit * 2 + 100:
            raise too_many_rows()
        row = row[:MAX_COLUMNS]
        if any(cell.strip() for cell in row):
            nonblank += 1
            if nonblank > limit + 1:  # the header and `limit` pupils
                raise too_many_rows()
        yield row


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Het CSV-bestand is geen UTF-8-tekst.")) from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    try:
        return list(_limited(csv.reader(io.StringIO(text), delimiter=delimiter)))
    except csv.Error:
        # A field longer than the csv module allows (csv.field_size_limit), a NUL byte, an
        # unclosed quote: a clear error, nothing imported.
        raise ValidationError(
            _("Het CSV-bestand kan niet worden gelezen: controleer de regels en aanhalingstekens.")
        ) from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    unreadable = ValidationError(_("Het XLSX-bestand kan niet worden gelezen."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise unreadable
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise unreadable from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for corrupt files
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise ValidationError(_("Het XLSX-bestand bevat geen werkblad."))
        # Streamed: rows are parsed one at a time and reading stops at the row limit.
        return list(
            _limited(
                ["" if v is None else str(v) for v in row]
                for row in workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
            )
        )
    except ValidationError:
        raise
    except Exception:  # a corrupt sheet only shows while reading it
        raise unreadable from None
    finally:
        workbook.close()


def table_rows(name: str, data: bytes) -> list[list[str]]:
    if name.endswith(".csv"):
        return _csv_rows(data)
    return _xlsx_rows(data)
