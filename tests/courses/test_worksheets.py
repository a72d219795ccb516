"""Worksheets download as PDF (made from the material by the loader) and never ask for a
parent's or child's name."""

import re
from unittest import mock

import pytest

from glans_learning.content.material import MATERIAL_DIR, load_material
from glans_learning.courses import material_loader
from glans_learning.courses.models import LessonPage

weasyprint = pytest.importorskip("weasyprint")

NAME_FIELDS = re.compile(r"\b(naam|namen|paraaf|handtekening)\b", re.I)


def test_loader_stores_worksheets_as_pdf(loaded_fixture):
    [block] = [b for b in loaded_fixture["guide"].body if b.block_type == "worksheet"]
    document = block.value["document"]
    assert document.file.name.endswith(".pdf")
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_an_html_worksheet_becomes_a_pdf_once_weasyprint_is_there(db, fixture_material):
    with mock.patch.object(material_loader, "pdf_available", return_value=False):
        material_loader.load(fixture_material)
    guide = LessonPage.objects.get(slug="tweede-les")
    [block] = [b for b in guide.body if b.block_type == "worksheet"]
    assert block.value["document"].file.name.endswith(".html")
    report = material_loader.load(fixture_material)
    assert "werkbladen/lijst.md" in report.updated
    document = type(block.value["document"]).objects.get(pk=block.value["document"].pk)
    assert document.file.name.endswith(".pdf")


def _sheet(columns: int):
    header = "|" + "|".join(f" k{n} " for n in range(columns)) + "|"
    rule = "|" + "|".join("---" for _ in range(columns)) + "|"
    return material_loader.worksheet_file(
        slug="blad", title="Blad", description="", body_markdown=f"{header}\n{rule}\n"
    )


def test_wide_worksheets_print_in_landscape():
    assert _sheet(6).name == "blad.pdf"
    with mock.patch.object(material_loader, "pdf_available", return_value=False):
        wide, narrow = _sheet(6), _sheet(3)
    assert wide.name == "blad.html"
    assert b"A4 landscape" in wide.read()
    assert b"A4 landscape" not in narrow.read()


def test_no_worksheet_asks_for_a_name():
    material = load_material(MATERIAL_DIR)
    problems = []
    for sheet in material.worksheets.values():
        for line in sheet.body_markdown.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")] if "|" in line else []
            labels = re.findall(r"\*\*([^*]+):\*\*", line)
            for field in cells + labels:
                if NAME_FIELDS.search(field):
                    problems.append(f"{sheet.source}: {field}")
    assert not problems, problems
