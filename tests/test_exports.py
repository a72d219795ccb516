"""The one export helper (glans_learning.core.exports): every cell safe, CSV for Dutch Excel,
XLSX with real local dates. Files are read back as a spreadsheet program would."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from glans_learning.core import exports

DANGEROUS = ["=1+1", "+31 6", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("x","y")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_formula_starts(value):
    assert exports.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Anna", "", "'al veilig", "a=b", " =spatie"])
def test_neutralise_leaves_ordinary_text(value):
    assert exports.neutralise(value) == value


def test_csv_is_for_dutch_excel_and_neutralised():
    data = exports.to_csv(["Naam", "Getal"], [[v, -3] for v in DANGEROUS] + [["Zoë", 1.5]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Naam", "Getal"]
    assert [r[0] for r in rows[1 : len(DANGEROUS) + 1]] == ["'" + v for v in DANGEROUS]
    assert rows[1][1] == "-3"  # numbers stay numbers
    assert rows[-1] == ["Zoë", "1,5"]


@pytest.mark.django_db
def test_xlsx_has_text_cells_and_real_local_dates(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    moment = datetime.datetime(2026, 7, 1, 10, 30, tzinfo=datetime.UTC)
    day = datetime.date(2026, 1, 31)
    data = exports.to_xlsx(
        ["Naam", "Moment", "Dag", "Aantal"],
        [[v, moment, day, 4] for v in DANGEROUS],
        title="Voortgang: [test]",
    )
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2))
    for row, value in zip(rows, DANGEROUS, strict=True):
        assert row[0].data_type == "s"
        # XML turns a carriage return into a newline on reading; the apostrophe stays.
        assert row[0].value == "'" + value.replace("\r", "\n")
        assert row[1].value == datetime.datetime(2026, 7, 1, 12, 30)  # CEST, naive
        assert row[1].is_date and row[2].is_date
        assert row[2].value == datetime.datetime(2026, 1, 31)
        assert row[3].value == 4


def test_export_response_names_the_file():
    response = exports.export_response(
        fmt="csv", name="voortgang De Zonnebloem", headers=["a"], rows=[["=b"]]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="voortgang-de-zonnebloem.csv"'
    with pytest.raises(ValueError):
        exports.export_response(fmt="pdf", name="x", headers=[], rows=[])
