"""The shipped course material: complete, original in structure, and loadable."""

import re

import pytest

from glans_learning.content.material import MATERIAL_DIR, count_words, load_material

ACTIVITIES = {"reflection", "assignment", "knowledge_check"}


@pytest.fixture(scope="module")
def material():
    return load_material(MATERIAL_DIR)


def programme(material, audience):
    [found] = [p for p in material.programmes if p.audience == audience]
    return found


def all_lessons(material):
    return [(p, m, lesson) for p in material.programmes for m in p.modules for lesson in m.lessons]


def test_train_de_trainer_structure(material):
    tdt = programme(material, "tdt")
    letters = [m.letter for m in tdt.modules]
    assert letters == ["intro", "G", "L", "A", "N", "S", "implementation"]
    for module in tdt.modules:
        assert module.lessons[-1].is_trainer_guide, (
            f"{module.source}: must end with a trainer guide"
        )
        assert sum(lesson.is_trainer_guide for lesson in module.lessons) == 1
        if module.letter in "GLANS":
            assert len([x for x in module.lessons if not x.is_trainer_guide]) >= 3, module.source


def test_yearly_workshop_structure(material):
    workshop = programme(material, "workshop")
    assert [m.letter for m in workshop.modules] == ["G", "L", "A", "N", "S"]
    assert all(len(m.lessons) >= 2 for m in workshop.modules)
    assert workshop.self_enrolment


def test_every_lesson_has_enough_text_and_an_activity(material):
    lessons = all_lessons(material)
    assert len(lessons) >= 30
    problems = []
    for _programme, _module, lesson in lessons:
        text = (MATERIAL_DIR / lesson.source).read_text(encoding="utf-8").split("\n---", 1)[1]
        if count_words(text) < 300:
            problems.append(f"{lesson.source}: {count_words(text)} words")
        if not any(block["type"] in ACTIVITIES for block in lesson.body):
            problems.append(f"{lesson.source}: no activity")
    assert not problems


def test_practice_examples_cover_po_ko_and_vo(material):
    settings = {
        block["value"]["setting"]
        for _p, _m, lesson in all_lessons(material)
        for block in lesson.body
        if block["type"] == "practice_example"
    }
    assert {"PO", "KO", "VO"} <= settings


def _text_of(material, audience=None, letter=None):
    chunks = []
    for p, m, lesson in all_lessons(material):
        if (audience is None or p.audience == audience) and (letter is None or m.letter == letter):
            chunks.append((MATERIAL_DIR / lesson.source).read_text(encoding="utf-8").lower())
    return "\n".join(chunks)


@pytest.mark.parametrize(
    ("letter", "terms"),
    [
        (
            "G",
            [
                "ervaringsdeskundige",
                "contact maken",
                "onderhouden",
                "verdiepen",
                "afsluiten",
                "luisteren",
            ],
        ),
        ("L", ["hoop", "dromen", "overdracht", "groep 3", "groep 6"]),
        ("A", [("100", "honderd"), "afspraak", "epstein"]),
        ("N", ["uitnodigen", "begrenzen", "te ver weg", "te dichtbij", "regisseur"]),
        ("S", ["positief", "neutraal", "negatief", "dof", "gezinscode"]),
        (
            "implementation",
            ["1.0", "3.0", "expertgroep", "80", "95", "handboek", "school met glans"],
        ),
    ],
)
def test_domain_concepts_appear_where_they_belong(material, letter, terms):
    text = _text_of(material, "tdt", letter)
    text = re.sub(r"[-‑]", " ", text)
    for term in terms:
        options = term if isinstance(term, tuple) else (term,)
        assert any(o.replace("-", " ") in text for o in options), (
            f"'{term}' missing from the {letter} module"
        )


def test_secondary_school_instruments_are_used_as_exercises(material):
    text = _text_of(material)
    for term in [
        "gladde weg",
        "hobbelige weg",
        "gat in de weg",
        "dramadriehoek",
        "roos van leary",
        "20/80",
    ]:
        assert term in text, term


def test_worksheets_exist_and_are_referenced(material):
    assert "relatielijst" in material.worksheets
    referenced = {
        block["value"]["worksheet_slug"]
        for _p, _m, lesson in all_lessons(material)
        for block in lesson.body
        if block["type"] == "worksheet"
    }
    assert "relatielijst" in referenced


@pytest.mark.django_db
def test_real_material_loads_and_every_lesson_renders(client, teacher, tdt_teacher):
    from glans_learning.courses.material_loader import load
    from glans_learning.courses.models import LessonPage, ModulePage, ProgrammePage

    report = load(load_material(MATERIAL_DIR))
    assert not report.left_alone
    assert ProgrammePage.objects.count() == 2
    assert ModulePage.objects.count() == 12
    lessons = list(LessonPage.objects.live())
    assert len(lessons) >= 30
    notes_seen = 0
    for lesson in lessons:
        client.force_login(teacher)
        html = client.get(lesson.url).content.decode()
        assert lesson.title in html
        notes = [b for b in lesson.body if b.block_type == "trainer_note"]
        if notes:
            assert "Voor de trainer" not in html, lesson.url
            client.force_login(tdt_teacher)
            assert "Voor de trainer" in client.get(lesson.url).content.decode()
            notes_seen += 1
    assert notes_seen >= 7
    # Loading again changes nothing.
    again = load(load_material(MATERIAL_DIR))
    assert not again.created and not again.updated


MINUTES = re.compile(r"ongeveer (\d+) minuten")


@pytest.mark.django_db
def test_module_time_is_one_number_everywhere(client, tdt_teacher):
    """For every module of the shipped material, the time on the programme page equals the time
    on the module page and the sum of its lessons' minutes; no intro states another time."""
    from glans_learning.courses.material_loader import load
    from glans_learning.courses.models import LessonPage, ModulePage, ProgrammePage

    load(load_material(MATERIAL_DIR))
    client.force_login(tdt_teacher)
    checked = 0
    for programme_page in ProgrammePage.objects.live():
        programme_html = client.get(programme_page.url).content.decode()
        shown = [int(n) for n in MINUTES.findall(programme_html)]
        modules = list(ModulePage.objects.live().child_of(programme_page).order_by("path"))
        assert len(shown) == len(modules)
        for module, on_programme in zip(modules, shown, strict=True):
            lessons = LessonPage.objects.live().child_of(module).filter(is_optional=False)
            total = sum(lesson.estimated_minutes for lesson in lessons)
            module_html = client.get(module.url).content.decode()
            assert MINUTES.findall(module_html)[0] == str(total), module.url
            assert on_programme == total == module.estimated_minutes, module.url
            assert "minuten" not in module.intro, module.url
            checked += 1
        assert "minuten" not in programme_page.intro + programme_page.description
    assert checked == 12


def _exercises(lesson):
    return [b["value"] for b in lesson.body if b["type"] == "exercise"]


def test_every_workshop_module_has_an_exercise(material):
    workshop = programme(material, "workshop")
    missing = [m.source for m in workshop.modules if not any(_exercises(x) for x in m.lessons)]
    assert not missing, missing
    kinds = {e["xblock_type"] for m in workshop.modules for x in m.lessons for e in _exercises(x)}
    assert {"glans-conversation", "freetextresponse"} <= kinds


MODELLED_CONVERSATIONS = {
    # (setting word in the title, what the conversation is about)
    ("PO", "hoop-en-dromengesprek"),
    ("KO", "elke ochtend blijft praten"),
    ("VO", "klacht in de toetsweek"),
    ("PO", "tegenover de school"),
}


def test_modelled_conversations_for_po_ko_and_vo(material):
    titles = [
        e["title"]
        for _p, _m, lesson in all_lessons(material)
        for e in _exercises(lesson)
        if e["xblock_type"] == "glans-conversation"
    ]
    for setting, topic in MODELLED_CONVERSATIONS:
        assert any(setting in t and topic in t for t in titles), (setting, topic, titles)


def test_topics_from_the_vo_publication_are_treated(material):
    text = _text_of(material, "tdt").lower()
    for term in [
        "driegesprek",
        "dubbele loyaliteit",
        "risicogezin",
        "overbelaste jongeren",
        "zelfscan",
        "pygmalion",
    ]:
        assert term in text, term


def test_tdt_g_lessons_one_and_two_practise_a_conversation(material):
    tdt = programme(material, "tdt")
    [g] = [m for m in tdt.modules if m.letter == "G"]
    for lesson in g.lessons[:2]:
        assert any(e["xblock_type"] == "glans-conversation" for e in _exercises(lesson)), (
            lesson.source
        )


IMPLEMENTATION_SHEETS = {
    "relatielijst-maand",
    "oefendata-intervisie",
    "gezinscodes-instellen",
    "implementatiekit-jaar-3-4",
    "ouders-brief-en-ouderavond",
    "tolk-en-laaggeletterdheid",
    "mentor-vo-les-en-website",
}


def test_what_a_school_needs_to_implement_is_shipped_and_referenced(material):
    assert set(material.worksheets) >= IMPLEMENTATION_SHEETS
    used = {}
    for _p, _m, lesson in all_lessons(material):
        for block in lesson.body:
            if block["type"] == "worksheet":
                used.setdefault(block["value"]["worksheet_slug"], []).append(lesson.source)
    assert set(used) >= IMPLEMENTATION_SHEETS, IMPLEMENTATION_SHEETS - set(used)
    # family codes come before the first measurement, in both programmes
    first_measurement = {s.split("/")[0] for s in used["gezinscodes-instellen"]}
    assert first_measurement == {"train-de-trainer", "glans-workshop"}
    kit = material.worksheets["implementatiekit-jaar-3-4"].body_markdown
    assert "Rubriek" in kit and "Jaar 3" in kit and "Jaar 4" in kit and "gezinscodes" in kit
