"""The material-wide checks of the loader (content/material_checks.py): no source labels in
learner text, one first name per person across lessons, bronnen that match what a lesson uses,
privacy-law statements marked as general knowledge. Each check is shown to fail on a bad sample
and to pass on the shipped material."""

import shutil

import pytest

from glans_learning.content.material import MATERIAL_DIR, MaterialError, load_material
from glans_learning.content.material_checks import load_sources_index
from tests.conftest import FIXTURE_MATERIAL

FIRST = "proef/01-g/01-eerste-les.md"
SECOND = "proef/01-g/02-tweede-les.md"

INDEX = """\
bronnen:
  e-boek:
    label: Seed 000
    titel: Een e-boek
  cps-vo:
    label: Seed 004
    titel: Een publicatie over het VO
secties:
  - id: eboek-g
    bron: e-boek
    vermelding: de G\\b|grondhouding
    termen: [alinea, tekst]
  - id: cps-dramadriehoek
    bron: cps-vo
    vermelding: dramadriehoek
    termen: [dramadriehoek]
    kenmerkend: [dramadriehoek]
"""


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "material"
    shutil.copytree(FIXTURE_MATERIAL, target, ignore=shutil.ignore_patterns("oefeningen"))
    return target


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _add_persons(path, persons: str):
    _edit(path, "bronnen:\n", f"personen:\n{persons}bronnen:\n")


def test_the_shipped_material_passes_every_check_and_has_a_sources_index():
    material = load_material(MATERIAL_DIR)
    index = load_sources_index(MATERIAL_DIR)
    assert index is not None and len(index["secties"]) >= 20
    persons = {
        name
        for p in material.programmes
        for m in p.modules
        for lesson in m.lessons
        for name in lesson.persons
    }
    assert {"Stijn", "Daan", "Merel"} <= persons


@pytest.mark.parametrize(
    "label",
    ["(seed 004)", "zie Seed 002", "uit 004_8e8c16ab273e42cc.txt", "zie issue #26", "TODO"],
)
def test_source_labels_in_learner_text_are_rejected(copy, label):
    _edit(copy / FIRST, "Een alinea met", f"Een alinea {label} met")
    with pytest.raises(MaterialError, match="learner text contains") as error:
        load_material(copy)
    assert "01-eerste-les.md" in str(error.value)


def test_source_labels_in_a_worksheet_are_rejected(copy):
    sheet = next((copy / "werkbladen").glob("*.md"))
    sheet.write_text(sheet.read_text() + "\nNaar seed 001.\n")
    with pytest.raises(MaterialError, match="learner text contains"):
        load_material(copy)


def test_bronnen_may_name_the_internal_labels(copy):
    load_material(copy)  # the fixture's bronnen say "Seed 000 – …": internal, allowed


def test_a_first_name_for_two_people_is_rejected(copy):
    _edit(copy / FIRST, "Een alinea met", "Mentor Daan belt. Een alinea met")
    _add_persons(copy / FIRST, "  Daan: mentor in klas 1\n")
    _edit(copy / SECOND, "Tekst van de tweede les.", "Daan is de vader van een peuter.")
    _add_persons(copy / SECOND, "  Daan: vader van een peuter\n")
    with pytest.raises(MaterialError, match="'Daan' is used for two people"):
        load_material(copy)


def test_the_same_person_in_two_lessons_is_fine(copy):
    _edit(copy / FIRST, "Een alinea met", "Mentor Daan belt. Een alinea met")
    _add_persons(copy / FIRST, "  Daan: mentor in klas 1\n")
    _edit(copy / SECOND, "Tekst van de tweede les.", "Daan belt opnieuw.")
    _add_persons(copy / SECOND, "  Daan: mentor in klas 1\n")
    load_material(copy)


def test_a_name_declared_elsewhere_but_not_here_is_rejected(copy):
    _edit(copy / FIRST, "Een alinea met", "Mentor Daan belt. Een alinea met")
    _add_persons(copy / FIRST, "  Daan: mentor in klas 1\n")
    _edit(copy / SECOND, "Tekst van de tweede les.", "Daans moeder belt.")
    with pytest.raises(MaterialError, match="uses the first name 'Daan'") as error:
        load_material(copy)
    assert "02-tweede-les.md" in str(error.value)


def test_a_person_introduced_by_role_must_be_listed(copy):
    _edit(copy / FIRST, "Een alinea met", "Juf Wilma belt de moeder van Sep. Een alinea met")
    with pytest.raises(MaterialError, match="not in the lesson's personen"):
        load_material(copy)


def test_a_listed_person_must_appear(copy):
    _add_persons(copy / FIRST, "  Wilma: juf in groep 3\n")
    with pytest.raises(MaterialError, match="never names them"):
        load_material(copy)


def test_bronnen_are_checked_against_the_index(copy):
    (copy / "bronnen.yml").write_text(INDEX)
    load_material(copy)  # "de G van Grondhouding" names eboek-g; the lessons use "tekst"/"alinea"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("Seed 004 – een publicatie: werkboek, de dramadriehoek", "uses none of its terms"),
        ("Seed 004 – een publicatie: hoofdstuk 9", "names no section of Seed 004"),
        ("Seed 009 – iets anders", "starts with no known source label"),
    ],
)
def test_bronnen_that_do_not_match_the_lesson_are_rejected(copy, entry, message):
    (copy / "bronnen.yml").write_text(INDEX)
    _edit(copy / FIRST, "bronnen:\n", f"bronnen:\n  - '{entry}'\n")
    with pytest.raises(MaterialError, match=message) as error:
        load_material(copy)
    assert "01-eerste-les.md" in str(error.value)


def test_a_section_used_but_not_listed_is_rejected(copy):
    (copy / "bronnen.yml").write_text(INDEX)
    _edit(copy / FIRST, "Een alinea met", "De dramadriehoek. Een alinea met")
    with pytest.raises(MaterialError, match="bronnen does not list that section"):
        load_material(copy)
    _edit(
        copy / FIRST,
        "bronnen:\n",
        "bronnen:\n  - 'Seed 004 – een publicatie: werkboek, de dramadriehoek'\n",
    )
    load_material(copy)


def test_privacy_law_must_be_marked_as_general_knowledge(copy):
    _edit(copy / FIRST, "Een alinea met", "Dit valt onder de AVG. Een alinea met")
    with pytest.raises(MaterialError, match="without marking them as general knowledge"):
        load_material(copy)
    _edit(copy / FIRST, "Dit valt onder", "Algemene kennis, niet uit de bronnen: dit valt onder")
    with pytest.raises(MaterialError, match="bronnen has no"):
        load_material(copy)
    _edit(
        copy / FIRST,
        "bronnen:\n",
        "bronnen:\n  - 'Algemene kennis (niet uit de bronnen): de AVG'\n",
    )
    load_material(copy)
