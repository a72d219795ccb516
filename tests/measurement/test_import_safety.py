"""Issue #23 §3: an import that names fewer pupils than the school has ends nothing unless
asked to (the preview says what would end, per group); and the measurement import stops
big or hostile files early (a byte cap and a row cap, streaming), changing nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from glans_learning.measurement import imports
from glans_learning.measurement.models import ImportJob, Relationship
from tests.measurement.conftest import make_group


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client, url, data):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def one_row():
    return SimpleUploadedFile("lijst.csv", b"groep;leerlingnummer\nGroep 5;Groep 5-0\n", "text/csv")


@pytest.fixture
def school_lists(zonnebloem, year):
    make_group(zonnebloem, year, "Groep 5", 4)
    make_group(zonnebloem, year, "Groep 6", 3)
    return zonnebloem


def active(unit):
    return Relationship.objects.filter(unit=unit, is_active=True).count()


def test_a_one_row_file_ends_nothing_by_default_and_the_preview_says_what_would_end(
    school_lists, director, year
):
    unit = school_lists
    client = csrf_client(director)
    url = f"/meten/school/{unit.pk}/import/"
    page = post(client, url, {"school_year": year.pk, "file": one_row(), "action": "preview"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "6 bestaande relaties staan niet in het bestand" in text
    assert "Groep 5: 3" in text and "Groep 6: 3" in text
    assert "relaties beëindigen die niet in het bestand staan" in text
    assert active(unit) == 7
    response = post(client, url, {"school_year": year.pk, "file": one_row(), "action": "import"})
    assert response.status_code == 302
    assert active(unit) == 7  # nothing ended without the explicit choice


def test_ending_the_others_needs_the_explicit_choice(school_lists, director, year):
    unit = school_lists
    client = csrf_client(director)
    url = f"/meten/school/{unit.pk}/import/"
    data = {"school_year": year.pk, "action": "preview", "end_missing": "on"}
    text = post(client, url, {**data, "file": one_row()}).content.decode()
    assert "Ze worden beëindigd bij het importeren" in text
    assert active(unit) == 7
    response = post(client, url, {**data, "file": one_row(), "action": "import"})
    assert response.status_code == 302
    assert active(unit) == 1
    assert Relationship.objects.filter(unit=unit, is_active=False).count() == 6


def test_background_job_keeps_the_choice(school_lists, year, director):
    rows, problems = imports.parse_table("lijst.csv", b"groep;leerlingnummer\nGroep 5;Groep 5-0\n")
    for end_missing, expected in ((False, 7), (True, 1)):
        job = imports.import_job_create(
            user=director, unit=school_lists, school_year=year, rows=rows, end_missing=end_missing
        )
        imports.import_job_run(job_id=job.pk)
        job = ImportJob.objects.get(pk=job.pk)
        assert job.status == "done" and active(school_lists) == expected
        assert job.result["ended"] == 7 - expected


def test_a_huge_csv_field_is_a_clear_error_not_a_500(school_lists, director, year):
    client = csrf_client(director)
    url = f"/meten/school/{school_lists.pk}/import/"
    text = "groep;leerlingnummer\nGroep 5;" + "x" * 200_000 + "\n"
    upload = SimpleUploadedFile("lijst.csv", text.encode(), "text/csv")
    response = post(client, url, {"school_year": year.pk, "file": upload, "action": "import"})
    assert response.status_code == 200
    assert "kan niet worden gelezen" in response.content.decode()
    assert active(school_lists) == 7


def test_byte_cap_is_a_setting_and_refuses_before_reading(school_lists, year, settings):
    settings.GLANS_MEASUREMENT_IMPORT_MAX_BYTES = 1024
    text = "groep;leerlingnummer\n" + "".join(f"Groep 5;P{i:05d}\n" for i in range(200))
    with pytest.raises(Exception) as caught:
        imports.relationships_import(
            unit=school_lists,
            school_year=year,
            upload=SimpleUploadedFile("lijst.csv", text.encode()),
            end_missing=True,
        )
    assert "te groot" in " ".join(caught.value.messages)
    assert active(school_lists) == 7


def test_a_long_xlsx_stops_at_the_row_cap_without_reading_the_rest(
    school_lists, director, year, settings, monkeypatch
):
    from openpyxl import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    settings.GLANS_MEASUREMENT_IMPORT_MAX_ROWS = 50
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["groep", "leerlingnummer"])
    for n in range(5_000):
        sheet.append(["Groep 9", f"L{n:06d}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = {"rows": 0}
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            read["rows"] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    client = csrf_client(director)
    url = f"/meten/school/{school_lists.pk}/import/"
    upload = SimpleUploadedFile("lijst.xlsx", buffer.getvalue())
    response = post(client, url, {"school_year": year.pk, "file": upload, "action": "import"})
    assert response.status_code == 200
    assert "Te veel regels (maximaal 50)." in response.content.decode()
    assert read["rows"] <= 50 + 2  # stopped early: the other ~4,950 rows were never parsed
    assert active(school_lists) == 7
    assert not ImportJob.objects.exists()
