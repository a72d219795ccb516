"""`::: oefening` in the course material: parsed into the exercise block, validated at load
with file and line, loaded into lessons and listed by the programmes API."""

import shutil

import pytest

from glans_learning.content.material import MaterialError, load_material
from tests.conftest import FIXTURE_MATERIAL

pytest.importorskip("xblock")

EXERCISES = FIXTURE_MATERIAL / "oefeningen"
LESSON = "oefenproef/01-g/01-oefenles.md"


def test_exercises_parse_into_exercise_blocks():
    [programme] = load_material(EXERCISES).programmes
    first, second = programme.modules[0].lessons
    exercises = [b["value"] for b in first.body if b["type"] == "exercise"]
    assert [e["xblock_type"] for e in exercises] == [
        "poll",
        "freetextresponse",
        "glans-conversation",
    ]
    assert exercises[0]["title"] == "Hoe vaak spreek je elke ouder?"
    assert exercises[0]["olx"].startswith("<poll ")
    assert all(e["required"] for e in exercises)
    assert first.activity_count == 3
    assert second.body[-1]["value"]["xblock_type"] == "drag-and-drop-v2"
    # OLX markup is not counted as course text.
    assert "choice" not in str(first.word_count) and first.word_count < 120


def test_the_main_fixture_is_unchanged():
    [programme] = load_material(FIXTURE_MATERIAL).programmes
    assert programme.slug == "proef"


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "material"
    shutil.copytree(EXERCISES, target)
    return target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("type: poll", "type: google-document"), "is not allowed"),
        (lambda t: t.replace("type: poll\n", ""), "needs 'type'"),
        (lambda t: t.replace("titel: Je eerste gesprek\n", ""), "needs 'titel'"),
        (lambda t: t.replace("<poll question", "<survey question"), "not valid"),
        (lambda t: t.replace('Beschrijf je eerste gesprek met een ouder." ', "x"), "not valid"),
        (lambda t: t.replace('<step id="start" speaker="Vader">', "<step>"), "heeft een id"),
    ],
)
def test_mistakes_in_exercises_name_file_and_line(copy, change, message):
    path = copy / LESSON
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(MaterialError) as info:
        load_material(copy)
    error = str(info.value)
    assert error.startswith(LESSON + ":")
    line = int(error.split(":")[1])
    assert changed.split("\n")[line - 1].startswith("::: oefening")
    assert message in error


@pytest.fixture
def loaded_exercises(db):
    from glans_learning.courses.material_loader import load

    load(load_material(EXERCISES))


def test_the_loader_creates_exercises_and_the_api_lists_their_types(
    client, teacher, loaded_exercises
):
    from glans_learning.courses.models import LessonPage

    lesson = LessonPage.objects.get(slug="oefenles")
    assert [c.value["xblock_type"] for c in lesson.body if c.block_type == "exercise"] == [
        "poll",
        "freetextresponse",
        "glans-conversation",
    ]
    client.force_login(teacher)
    [programme] = client.get("/api/v1/programmes").json()
    first, second = programme["modules"][0]["lessons"]
    assert [e["type"] for e in first["exercises"]] == [
        "xblock:poll",
        "xblock:freetextresponse",
        "xblock:glans-conversation",
    ]
    assert first["exercises"][2]["title"] == "Een vader die weinig van zich laat horen"
    assert [e["type"] for e in second["exercises"]] == ["xblock:drag-and-drop-v2"]


def test_openapi_declares_the_exercise_type(client, teacher):
    client.force_login(teacher)
    schema = client.get("/api/v1/openapi.json").json()
    exercise = schema["components"]["schemas"]["ExerciseOut"]
    assert "xblock:" in exercise["properties"]["type"]["description"]
    lesson = schema["components"]["schemas"]["LessonOut"]
    assert "exercises" in lesson["properties"]


def test_every_letter_module_of_the_tdt_programme_has_an_exercise():
    material = load_material()
    [tdt] = [p for p in material.programmes if p.slug == "train-de-trainer"]
    found = {
        module.letter: {
            block["value"]["xblock_type"]
            for lesson in module.lessons
            for block in lesson.body
            if block["type"] == "exercise"
        }
        for module in tdt.modules
    }
    assert "glans-conversation" in found["G"]
    assert "poll" in found["L"]
    assert "glans-appreciation" in found["A"]
    assert "glans-conversation" in found["N"]
    assert "drag-and-drop-v2" in found["S"]
