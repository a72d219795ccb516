"""The course-tree reads behind programme, module and lesson pages are raw SQL for speed; they
must give what the equivalent Django querysets give, on SQLite and on PostgreSQL."""

import datetime
from pathlib import Path

from django.utils import timezone

from glans_learning.courses import selectors, services
from glans_learning.courses.models import (
    ActivityResponse,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    ProgrammeCompletion,
    Session,
    SessionRegistration,
)
from glans_learning.courses.selectors import raw, raw_team
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

    # A lesson page's read: its own row in full, the sidebar's statuses only, one query.
    for current in (first, lessons[4]):
        own, around = raw.progress_row_and_statuses(
            user=teacher, lesson_id=current.pk, others=[lesson.pk for lesson in lessons]
        )
        assert own == raw.progress_rows(user=teacher, lesson_ids=[current.pk]).get(current.pk)
        assert {pk: r.status for pk, r in around.items()} == dict(
            LessonProgress.objects.filter(user=teacher)
            .exclude(lesson=current)
            .values_list("lesson_id", "status")
        )
    assert raw.progress_row_and_statuses(user=other_teacher, lesson_id=first.pk, others=[]) == (
        None,
        {},
    )

    # The team dashboard's read: these learners on these lessons, no one else, nothing else.
    users = [teacher.pk, other_teacher.pk]
    assert sorted(raw_team.team_statuses(user_ids=users, lesson_ids=some)) == sorted(
        LessonProgress.objects.filter(user_id__in=users, lesson_id__in=some).values_list(
            "user_id", "lesson_id", "status"
        )
    )
    assert len(raw_team.team_statuses(user_ids=users, lesson_ids=some)) == 3  # lessons 3, 4 and 6
    assert sorted(raw_team.team_statuses(user_ids=[teacher.pk], lesson_ids=[lessons[0].pk])) == [
        (teacher.pk, lessons[0].pk, LessonProgress.objects.get(user=teacher, lesson=first).status)
    ]
    assert raw_team.team_statuses(user_ids=[], lesson_ids=some) == []
    assert raw_team.team_statuses(user_ids=users, lesson_ids=[]) == []


def test_team_reads_match_the_orm(tmp_path, teacher, other_teacher, zonnebloem, year):
    """The team dashboard's completions and attendance of a page of learners (issue #30)."""
    programme = build_programme(tmp_path, slug="team", modules=2, lessons_per_module=1)
    other = build_programme(tmp_path / "ander", slug="ander", modules=1, lessons_per_module=1)
    modules = list(ModulePage.objects.descendant_of(programme).order_by("path"))
    elsewhere = ModulePage.objects.descendant_of(other).get()
    now = timezone.now().replace(microsecond=123456)
    for module in (modules[0], modules[1], elsewhere):
        ModuleCompletion.objects.create(user=teacher, module=module, completed_at=now)
    ModuleCompletion.objects.create(user=other_teacher, module=modules[1], completed_at=now)
    ProgrammeCompletion.objects.create(user=teacher, programme=programme, completed_at=now)
    ProgrammeCompletion.objects.create(user=other_teacher, programme=other, completed_at=now)
    later = now + datetime.timedelta(days=1)
    sessions = [
        Session.objects.create(
            programme=p, title=f"S{k}", starts_at=later, ends_at=later, is_official=official
        )
        for k, (p, official) in enumerate(
            [(programme, True), (programme, True), (programme, False), (other, True)]
        )
    ]
    for k, session in enumerate(sessions):
        SessionRegistration.objects.create(session=session, user=teacher, attendance="present")
        SessionRegistration.objects.create(
            session=session, user=other_teacher, attendance=("absent", "made_up")[k % 2]
        )
    users = [teacher.pk, other_teacher.pk]
    module_ids = [m.pk for m in modules]

    assert sorted(
        raw_team.team_module_completions(user_ids=users, module_ids=module_ids)
    ) == sorted(
        ModuleCompletion.objects.filter(user_id__in=users, module_id__in=module_ids).values_list(
            "user_id", "module_id"
        )
    )
    assert len(raw_team.team_module_completions(user_ids=users, module_ids=module_ids)) == 3
    found = raw_team.team_programme_completions(user_ids=users, programme_id=programme.pk)
    assert found == dict(
        ProgrammeCompletion.objects.filter(user_id__in=users, programme=programme).values_list(
            "user_id", "completed_at"
        )
    )
    assert found == {teacher.pk: now} and found[teacher.pk].tzinfo is not None
    assert sorted(raw_team.team_official_attendance(user_ids=users, programme_id=programme.pk)) == (
        sorted(
            SessionRegistration.objects.filter(
                user_id__in=users, session__programme=programme, session__is_official=True
            ).values_list("user_id", "attendance")
        )
    )
    assert len(raw_team.team_official_attendance(user_ids=users, programme_id=programme.pk)) == 4
    assert raw_team.team_module_completions(user_ids=[], module_ids=module_ids) == []
    assert raw_team.team_module_completions(user_ids=users, module_ids=[]) == []
    assert raw_team.team_programme_completions(user_ids=[], programme_id=programme.pk) == {}
    assert raw_team.team_official_attendance(user_ids=[], programme_id=programme.pk) == []


def test_lesson_family_matches_the_page_tree(db, tmp_path):
    programme = build_programme(tmp_path, slug="familie", modules=2, lessons_per_module=40)
    module = ModulePage.objects.child_of(programme).order_by("path").first()
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    lessons[1].unpublish()
    lessons[2].move(lessons[30], pos="right")  # tree order is not creation (pk) order
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    live = [lesson for lesson in lessons if lesson.live]
    draft = next(lesson for lesson in lessons if not lesson.live)
    for current in (live[0], live[20], live[28], live[-1], draft):  # draft: not live (preview)
        parents, rows, total = raw.live_lesson_family(
            programme_path=programme.path,
            module_path=module.path,
            lesson_path=current.path,
            window=5,
        )
        assert parents == [(p.pk, p.title, p.slug, p.path) for p in (programme, module)]
        assert total == len(live) == 39
        expected = [(i, p.pk, p.title, p.slug) for i, p in enumerate(live)]
        if current.live:
            index = live.index(current)
            expected = [row for row in expected if abs(row[0] - index) <= 5]
        assert sorted(rows) == expected


def test_a_lesson_page_lists_the_lessons_around_it(client, teacher, tmp_path):
    """The sidebar window, the position and the neighbours come out of the windowed read as
    they would out of the whole list."""
    from glans_learning.courses.selectors.outline import SIDEBAR_LESSONS, lesson_family

    programme = build_programme(tmp_path, slug="raam", modules=1, lessons_per_module=60)
    lessons = list(LessonPage.objects.descendant_of(programme).type(LessonPage).order_by("path"))
    for index in (0, 7, 30, 52, 59):
        family = lesson_family(lesson=lessons[index].specific)
        assert len(family.siblings) == 60 and family.position == index
        shown, before, after = selectors.lesson_window(
            family.siblings, lessons[index].pk, SIDEBAR_LESSONS
        )
        start = max(0, min(index - SIDEBAR_LESSONS // 2, 60 - SIDEBAR_LESSONS))
        assert [s.pk for s in shown] == [p.pk for p in lessons[start : start + SIDEBAR_LESSONS]]
        assert (before, after) == (start, 60 - start - SIDEBAR_LESSONS)
        if index:
            assert family.siblings[index - 1].pk == lessons[index - 1].pk
        if index < 59:
            assert family.siblings[index + 1].pk == lessons[index + 1].pk
    client.force_login(teacher)
    html = client.get(lessons[30].url).content.decode()
    assert "Les 31 van 60" in html
    assert html.count("<li><a href=") >= SIDEBAR_LESSONS - 1


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


def test_programme_page_reads_match_the_orm(
    tmp_path, teacher, other_teacher, zonnebloem, regenboog, year
):
    """The programme page's own reads (sessions the user may see, active enrolment, module and
    programme completions, official registrations) against their querysets."""
    import datetime

    from django.utils import timezone

    from glans_learning.courses.models import (
        ModuleCompletion,
        ProgrammeCompletion,
        SessionRegistration,
    )
    from glans_learning.courses.selectors.sessions import session_visibility, sessions_visible_to
    from tests.factories import SessionFactory, person

    programme = build_programme(tmp_path, slug="lees", modules=2, lessons_per_module=1)
    other = build_programme(tmp_path, slug="ander", modules=1, lessons_per_module=1)
    trainer = person("trainer.x")  # no school: sees academy-wide sessions and those it trains
    now = timezone.now()
    sessions = [
        SessionFactory(programme=programme, unit=None, starts_at=now + datetime.timedelta(days=3)),
        SessionFactory(programme=programme, unit=zonnebloem),
        SessionFactory(programme=programme, unit=regenboog),
        SessionFactory(programme=programme, unit=regenboog, starts_at=now),
        SessionFactory(programme=other, unit=None),
    ]
    sessions[3].trainers.add(trainer)
    for user in (teacher, other_teacher, trainer):
        expected = list(
            sessions_visible_to(user).filter(programme=programme).order_by("starts_at", "pk")
        )
        assert selectors.programme_sessions(user=user, programme=programme) == expected
        assert expected  # each sees some
        # The learner's dashboard counts them per programme, for all enrolments at once.
        visibility = session_visibility(user)
        counts = raw.session_counts(
            programme_ids=[programme.pk, other.pk],
            user_id=None if visibility.all else user.pk,
            unit_ids=visibility.unit_ids,
        )
        orm = sessions_visible_to(user).filter(programme_id__in=[programme.pk, other.pk])
        assert counts == {
            pk: orm.filter(programme_id=pk).count()
            for pk in (programme.pk, other.pk)
            if orm.filter(programme_id=pk).exists()
        }
    assert raw.session_counts(
        programme_ids=[programme.pk, other.pk], user_id=None, unit_ids=[]
    ) == {programme.pk: 4, other.pk: 1}  # academy staff: all
    assert [s.pk for s in selectors.programme_sessions(user=trainer, programme=programme)] == [
        sessions[3].pk,
        sessions[0].pk,
    ]

    first = Enrollment.objects.create(
        user=teacher, programme=programme, school_year=year, unit=zonnebloem
    )
    assert selectors.active_enrollment_id(user=teacher, programme=programme) == first.pk
    assert selectors.active_enrollment_id(user=other_teacher, programme=programme) is None
    first.status = Enrollment.Status.WITHDRAWN
    first.save()
    assert selectors.active_enrollment_id(user=teacher, programme=programme) is None

    modules = list(ModulePage.objects.child_of(programme).order_by("path"))
    done = ModuleCompletion.objects.create(
        user=teacher, module=modules[0], completed_at=now, requirements={"lessons": [1]}
    )
    ModuleCompletion.objects.create(user=other_teacher, module=modules[1], completed_at=now)
    found = raw.module_completions(user=teacher, module_ids=[m.pk for m in modules])
    assert list(found) == [modules[0].pk]
    assert (found[modules[0].pk].pk, found[modules[0].pk].requirements) == (
        done.pk,
        {"lessons": [1]},
    )
    assert found[modules[0].pk].completed_at == done.completed_at
    assert raw.programme_completion(user=teacher, programme_id=programme.pk) is None
    completion = ProgrammeCompletion.objects.create(
        user=teacher, programme=programme, completed_at=now
    )
    assert raw.programme_completion(user=teacher, programme_id=programme.pk).pk == completion.pk
    ProgrammeCompletion.objects.create(user=other_teacher, programme=other, completed_at=now)
    found = raw.programme_completions(user=teacher, programme_ids=[programme.pk, other.pk])
    assert {pk: c.pk for pk, c in found.items()} == {programme.pk: completion.pk}
    assert found[programme.pk].completed_at == completion.completed_at

    Session = type(sessions[0])
    Session.objects.filter(pk=sessions[0].pk).update(is_official=True)
    for session in sessions[:2]:
        SessionRegistration.objects.create(session=session, user=teacher, attendance="present")
    ids = [s.pk for s in sessions]
    assert [
        (r.session_id, r.attendance)
        for r in raw.official_registrations(user=teacher, session_ids=ids)
    ] == list(
        SessionRegistration.objects.filter(
            user=teacher, session_id__in=ids, session__is_official=True
        ).values_list("session_id", "attendance")
    )
