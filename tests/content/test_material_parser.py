"""The material parser: structure, stable ids, and errors that name file and line."""

import shutil

import pytest

from glans_learning.content.material import MaterialError, load_material
from tests.conftest import FIXTURE_MATERIAL


def test_fixture_material_parses_into_blocks(fixture_material):
    [programme] = fixture_material.programmes
    assert (programme.slug, programme.audience, programme.self_enrolment) == (
        "proef",
        "workshop",
        True,
    )
    [module] = programme.modules
    first, second = module.lessons
    assert [b["type"] for b in first.body] == [
        "text",
        "heading",
        "text",
        "tip",
        "trainer_note",
        "practice_example",
        "quote",
        "worksheet",
        "reflection",
        "assignment",
        "knowledge_check",
    ]
    assert first.body[1]["value"] == {"text": "Een kop", "level": "h2"}
    assert "<strong>vet</strong>" in first.body[0]["value"]
    assert second.is_trainer_guide
    check = first.body[-1]["value"]
    assert [o["is_correct"] for o in check["options"]] == [True, False]


def test_block_ids_are_stable_across_parses():
    one = load_material(FIXTURE_MATERIAL).programmes[0].modules[0].lessons[0].body
    two = load_material(FIXTURE_MATERIAL).programmes[0].modules[0].lessons[0].body
    assert [b["id"] for b in one] == [b["id"] for b in two]
    assert len({b["id"] for b in one}) == len(one)


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "material"
    shutil.copytree(FIXTURE_MATERIAL, target)
    return target


LESSON = "proef/01-g/01-eerste-les.md"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t + "\n::: tip\nNooit gesloten\n", "is not closed"),
        (lambda t: t + "\n::: onbekend\nx\n:::\n", "unknown block type"),
        (lambda t: t + "\n::: reflectie\nvraag: [kapot\n:::\n", "not valid YAML"),
        (
            lambda t: t.replace(
                "    juist: false\n    feedback: Helaas.", "    juist: true\n    feedback: Helaas."
            ),
            "exactly one",
        ),
        (lambda t: t.replace("slug: eerste-les", "slug: Eerste Les"), "slug"),
        (lambda t: t.replace("estimated_minutes: 10\n", ""), "estimated_minutes"),
        (lambda t: t.replace("werkblad: lijst", "werkblad: bestaat-niet"), "does not exist"),
        (lambda t: t + "\n# Een h1\n", "use ## or ###"),
    ],
)
def test_mistakes_are_named_with_file_and_line(copy, change, message):
    path = copy / LESSON
    path.write_text(change(path.read_text()))
    with pytest.raises(MaterialError) as error:
        load_material(copy)
    assert message in str(error.value)
    assert "01-eerste-les.md" in str(error.value)


def test_missing_front_matter(copy):
    (copy / LESSON).write_text("Geen front matter\n")
    with pytest.raises(MaterialError, match="front matter"):
        load_material(copy)


def test_lessons_carry_their_sources(fixture_material):
    lesson = fixture_material.programmes[0].modules[0].lessons[0]
    assert lesson.sources == ["Seed 000 – de G van Grondhouding en Gesprek"]


@pytest.mark.parametrize(
    ("bronnen", "message"),
    [
        ("", "'bronnen' is required"),
        ("bronnen: []\n", "'bronnen' is required"),
        ("bronnen:\n", "'bronnen' is required"),
        ("bronnen: Seed 000\n", "'bronnen' must be a list"),
        ("bronnen:\n  - ''\n", "'bronnen' must be a list"),
    ],
)
def test_a_lesson_without_sources_is_rejected_naming_the_file(copy, bronnen, message):
    path = copy / "proef/01-g/02-tweede-les.md"
    listed = "bronnen:\n  - Seed 000 – de G van Grondhouding en Gesprek\n"
    text = path.read_text()
    assert listed in text
    path.write_text(text.replace(listed, bronnen))
    with pytest.raises(MaterialError) as error:
        load_material(copy)
    assert message in str(error.value)
    assert "02-tweede-les.md" in str(error.value)


def test_attempts_and_minimum_length_can_be_set_in_material(copy):
    path = copy / LESSON
    text = path.read_text()
    text = text.replace("vraag: Wat neem je mee?", "vraag: Wat neem je mee?\nminimale_lengte: 50")
    text = text.replace("vraag: Welke is juist?", "vraag: Welke is juist?\npogingen: 2")
    path.write_text(text)
    body = load_material(copy).programmes[0].modules[0].lessons[0].body
    values = {b["type"]: b["value"] for b in body}
    assert values["reflection"]["min_length"] == 50
    assert values["knowledge_check"]["max_attempts"] == 2
    assert "min_length" not in values["assignment"]  # not set: the block's default applies


@pytest.mark.parametrize("value", ["0", "11", "twee", "true"])
def test_attempts_out_of_range_are_named(copy, value):
    path = copy / LESSON
    path.write_text(
        path.read_text().replace(
            "vraag: Welke is juist?", f"vraag: Welke is juist?\npogingen: {value}"
        )
    )
    with pytest.raises(MaterialError, match="'pogingen' must be a whole number 1-10"):
        load_material(copy)
