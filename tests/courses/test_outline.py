"""The course-tree reads behind programme, module and lesson pages are raw SQL for speed; they
must give what the equivalent Django querysets give, on SQLite and on PostgreSQL."""

from pathlib import Path

from glans_learning.courses import selectors, services
from glans_learning.courses.models import (
    ActivityResponse,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModulePage,
)
from glans_learning.courses.selectors import raw
from tests.builders import build_programme


def shape(modules, lessons_of):
    """Modules and their lessons as comparable tuples."""
    return [
        (
            m.pk,
            m.title,
            m.letter,
            # The time shown: the sum of the live required lessons (the ORM side computes it).
            selectors.module_minutes(list(lessons_of(m)), m.estimated_minutes),
            m.is_optional,
            [
                (lesson.pk, lesson.title, lesson.estimated_minutes)
                + (lesson.is_trainer_guide, lesson.is_optional)
                for lesson in lessons_of(m)
            ],
        )
        for m in modules
    ]


def orm_outline(programme):
    modules = ModulePage.objects.live().child_of(programme).order_by("path")
    return shape(modules, lambda m: LessonPage.objects.live().child_of(m).order_by("path"))


def raw_outline(modules):
    return shape(modules, lambda m: m.outline_lessons)


def test_outline_matches_the_page_tree(db, tmp_path):
    programme = build_programme(tmp_path, slug="boom", modules=3, lessons_per_module=4)
    modules = list(ModulePage.objects.child_of(programme).order_by("path"))
    # Some variety: an optional module, a trainer guide, a draft lesson and a draft module.
    modules[0].is_optional = True
    modules[0].save_revision().publish()
    lessons = list(LessonPage.objects.child_of(modules[1]).order_by("path"))
    lessons[0].is_trainer_guide = True
    lessons[0].is_optional = True
    lessons[0].save_revision().publish()
    lessons[2].unpublish()
    modules[2].unpublish()

    outline = selectors.programme_outline(programme=programme)

    assert raw_outline(outline) == orm_outline(programme)
    assert [len(m.outline_lessons) for m in outline] == [4, 3]
    assert outline[0].is_optional is True and outline[1].is_optional is False
    assert outline[1].outline_lessons[0].is_trainer_guide is True
    assert outline[1].href == f"{modules[1].url}"
    assert outline[1].outline_lessons[1].href == lessons[1].url


def test_detailed_outline_carries_the_completion_rule(db, tmp_path):
    programme = build_programme(tmp_path, slug="regels", modules=1, lessons_per_module=2)
    lesson = LessonPage.objects.descendant_of(programme).order_by("path").first()
    item = selectors.programme_outline(programme=programme, detailed=True)[0].outline_lessons[0]
    assert (item.completion_rule, item.pass_score) == (lesson.completion_rule, lesson.pass_score)
    assert item.activity_summary == lesson.activity_summary
    assert [a["kind"] for a in item.activity_summary] == ["reflection", "knowledge_check"]


def test_module_lessons_and_parent_link(db, tmp_path):
    programme = build_programme(tmp_path, slug="module", modules=1, lessons_per_module=3)
    module = ModulePage.objects.child_of(programme).get()
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    assert [(i.pk, i.href) for i in selectors.module_lessons(module=module)] == [
        (lesson.pk, lesson.url) for lesson in lessons
    ]
    link = selectors.parent_link(page=module)
    assert (link.pk, link.title, link.href) == (programme.pk, programme.title, programme.url)
    programme.unpublish()
    assert selectors.parent_link(page=module) is None


def test_progress_reads_match_the_orm(tmp_path, teacher, other_teacher, zonnebloem, year):
    """The learner's progress row, answers and per-lesson statuses (raw reads on every page
    view) against the same reads through the ORM, for one learner among others."""
    programme = build_programme(tmp_path, slug="lezen", modules=2, lessons_per_module=3)
    lessons = list(LessonPage.objects.descendant_of(programme).order_by("path"))
    for user in (teacher, other_teacher):
        Enrollment.objects.create(user=user, programme=programme, school_year=year, unit=zonnebloem)
    for lesson in lessons[:4]:
        services.lesson_open(user=teacher, lesson=lesson)
    services.lesson_open(user=other_teacher, lesson=lessons[5])
    first = lessons[0]
    check = next(a["id"] for a in first.activity_summary if a["kind"] == "knowledge_check")
    services.activity_submit(user=teacher, lesson=first, block_id=check, choice=0)

    row = selectors.lesson_progress_row(user=teacher, lesson=first)
    stored = LessonProgress.objects.get(user=teacher, lesson=first)
    assert (row.status, row.visits, row.completed_at, row.last_visit_at) == (
        stored.status,
        stored.visits,
        stored.completed_at,
        stored.last_visit_at,
    )
    assert row.last_visit_at.tzinfo is not None
    assert selectors.lesson_progress_row(user=teacher, lesson=lessons[5]) is None

    answers = selectors.lesson_responses(user=teacher, lesson=first)
    assert {k: (r.score, r.is_correct) for k, r in answers.items()} == {
        r.block_id: (r.score, r.is_correct)
        for r in ActivityResponse.objects.filter(user=teacher, lesson=first)
    }
    assert selectors.lesson_responses(user=other_teacher, lesson=first) == {}

    for under in (programme.path, lessons[3].path[: -LessonPage.steplen]):
        statuses = {
            pk: r.status for pk, r in raw.progress_statuses_under(user=teacher, under=under).items()
        }
        assert statuses == dict(
            LessonProgress.objects.filter(user=teacher, lesson__path__startswith=under).values_list(
                "lesson_id", "status"
            )
        )
    some = [lesson.pk for lesson in lessons[2:]]
    assert {
        pk: r.status for pk, r in raw.progress_statuses(user=teacher, lesson_ids=some).items()
    } == dict(
        LessonProgress.objects.filter(user=teacher, lesson_id__in=some).values_list(
            "lesson_id", "status"
        )
    )
    assert raw.progress_statuses(user=teacher, lesson_ids=[]) == {}


def test_lesson_family_matches_the_page_tree(db, tmp_path):
    programme = build_programme(tmp_path, slug="familie", modules=2, lessons_per_module=3)
    module = ModulePage.objects.child_of(programme).order_by("path").first()
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    lessons[1].unpublish()
    rows = raw.live_lesson_family(
        programme_path=programme.path, module_path=module.path, depth=lessons[0].depth
    )
    expected = [programme, module, lessons[0], lessons[2]]
    assert rows == [(p.pk, p.title, p.slug, p.path) for p in expected]


def test_raw_sql_lives_in_one_module():
    """Only selectors/raw.py runs SQL of its own (cursor, Manager.raw)."""
    courses = Path(selectors.__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(courses))
        for path in courses.rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "raw.py"
        and any(word in path.read_text() for word in (".cursor(", ".raw(", ".execute("))
    ]
    assert offenders == []
