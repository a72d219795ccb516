"""Issue #30: the team matrix counts stored statuses per learner and module in bulk
(`rules.StoredStatusPlan`). It must give what the learner's own rules (`evaluate_module`,
`evaluate_programme` on stored statuses) give, on varied data: no progress, in progress,
completed, optional lessons and modules, modules without required lessons, recorded module
and programme completions, required sessions and a practical assessment."""

import random
from types import SimpleNamespace

import pytest
from django.utils import translation

from glans_learning.courses.completion import rules
from glans_learning.courses.models import ATTENDED, Attendance
from glans_learning.courses.selectors.rows import LessonItem, ModuleItem, ProgressRow

STATUSES = ["completed", "in_progress", "not_started"]


def _programme(rnd, case):
    modules, pk = [], 1000 * case
    for index in range(rnd.randint(0, 5)):
        pk += 1
        module = ModuleItem(
            pk, f"Module <{index}>", f"m{index}", f"0001{index:04}", "G", 10, rnd.random() < 0.2
        )
        for lesson_index in range(rnd.choice([0, 1, 2, 3, 6])):
            pk += 1
            module.outline_lessons.append(
                LessonItem(pk, f"Les {lesson_index}", f"l{pk}", "", 5, False, rnd.random() < 0.25)
            )
        modules.append(module)
    programme = SimpleNamespace(
        pk=case,
        required_session_count=rnd.choice([0, 0, 1, 3]),
        requires_practical_assessment=rnd.random() < 0.3,
    )
    return programme, modules


def _learner(rnd, modules):
    """(progress rows, completed module pks, registrations, completion, confirmed)."""
    kind = rnd.choice(["nothing", "some", "all", "everything completed"])
    rows = []
    for module in modules:
        for lesson in module.outline_lessons:
            if kind == "nothing":
                continue
            if kind == "everything completed" or (kind == "all" and rnd.random() < 0.8):
                rows.append(ProgressRow(lesson.pk, "completed", None, 1, 0, None))
            elif kind != "all" and rnd.random() < 0.5:
                rows.append(ProgressRow(lesson.pk, rnd.choice(STATUSES), None, 1, 0, None))
    completed_modules = {m.pk for m in modules if rnd.random() < 0.15}
    registrations = [
        SimpleNamespace(attendance=rnd.choice(list(Attendance.values)))
        for _ in range(rnd.choice([0, 0, 1, 2, 4]))
    ]
    completion = SimpleNamespace(completed_at="then") if rnd.random() < 0.1 else None
    return rows, completed_modules, registrations, completion, rnd.random() < 0.5


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_bulk_plan_gives_what_the_learners_rules_give(language):
    rnd = random.Random(30)
    compared = set()
    with translation.override(language):
        for case in range(400):
            programme, modules = _programme(rnd, case)
            plan = rules.StoredStatusPlan(programme, modules)
            learners = {user_id: _learner(rnd, modules) for user_id in range(4)}
            tallies = plan.tally(
                (user_id, row.lesson_id, row.status)
                for user_id, learner in learners.items()
                for row in learner[0]
            )
            for user_id, (rows, done_modules, regs, completion, confirmed) in learners.items():
                by_lesson = {row.lesson_id: row for row in rows}
                completions = {
                    pk: SimpleNamespace(completed_at="then", requirements={}) for pk in done_modules
                }
                states = [
                    rules.evaluate_module(
                        m, m.outline_lessons, by_lesson, None, completions.get(m.pk)
                    )
                    for m in modules
                ]
                state = rules.evaluate_programme(
                    programme, states, regs, 0, completion, None, confirmed
                )
                expected_cells = []
                for module_state in states:
                    required = [ls for ls in module_state.lessons if not ls.lesson.is_optional]
                    done = sum(1 for ls in required if ls.is_completed)
                    if module_state.status == "completed":
                        done = len(required)
                    expected_cells.append(
                        (module_state.status, done, len(required), module_state.percent)
                    )
                indexes = {m.pk: i for i, m in enumerate(modules)}
                cells = plan.modules(tallies.get(user_id), {indexes[pk] for pk in done_modules})
                assert cells == expected_cells
                attended = sum(1 for r in regs if r.attendance in ATTENDED)
                got = plan.programme_status(cells, attended, completion is not None, confirmed)
                assert got == (state.status, state.percent, [str(item) for item in state.open])
                assert attended == state.sessions_attended
                compared.add(
                    (state.status, bool(state.open), programme.requires_practical_assessment)
                )
    # The data was varied enough to reach every programme status, with and without open items.
    assert {status for status, _open, _assessed in compared} == set(STATUSES)
    assert {(o, a) for _s, o, a in compared} == {
        (True, True),
        (True, False),
        (False, True),
        (False, False),
    }


def build_varied_team(tmp_path, unit, year):
    """A programme (one optional lesson, one optional module, two required sessions) and a
    team with every kind of learner: no progress, in progress, all lessons completed, a
    recorded module and programme completion, attendance, and a withdrawn enrolment."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from glans_learning.courses.models import (
        Enrollment,
        LessonPage,
        LessonProgress,
        ModuleCompletion,
        ModulePage,
        ProgrammeCompletion,
    )
    from tests.builders import build_programme
    from tests.courses.test_progress_support import make_session, register, set_page

    programme = build_programme(tmp_path, slug="gevarieerd", modules=3, lessons_per_module=3)
    programme = set_page(programme, required_session_count=2)
    modules = list(ModulePage.objects.child_of(programme).order_by("path"))
    lessons = {m.pk: list(LessonPage.objects.child_of(m).order_by("path")) for m in modules}
    set_page(lessons[modules[0].pk][2], is_optional=True)
    set_page(modules[2], is_optional=True)
    sessions = [make_session(programme, title=f"Bijeenkomst {i}") for i in range(3)]
    now = timezone.now()
    users = [
        get_user_model().objects.create_user(f"lid{i}", first_name=f"Lid {i}", last_name="Team")
        for i in range(8)
    ]
    for user in users:
        Enrollment.objects.create(user=user, programme=programme, school_year=year, unit=unit)
    Enrollment.objects.filter(user=users[7]).update(status=Enrollment.Status.WITHDRAWN)

    def progress(user, module_indexes, status, lesson_slice=slice(None)):
        for index in module_indexes:
            for lesson in lessons[modules[index].pk][lesson_slice]:
                LessonProgress.objects.create(
                    user=user, lesson=lesson, first_visit_at=now, last_visit_at=now, status=status
                )

    # users[0]: nothing at all
    progress(users[1], [0], "in_progress", slice(0, 1))
    progress(users[2], [0, 1, 2], "completed", slice(0, 2))  # required done, optional not
    progress(users[3], [0, 1, 2], "completed")
    progress(users[4], [1], "completed", slice(0, 1))
    progress(users[4], [2], "in_progress", slice(0, 1))  # only the optional module started
    ModuleCompletion.objects.create(user=users[5], module=modules[0], completed_at=now)
    ProgrammeCompletion.objects.create(user=users[6], programme=programme, completed_at=now)
    progress(users[7], [0], "completed")
    for user, attended in ((users[2], 1), (users[3], 2), (users[4], 3)):
        for session in sessions[:attended]:
            registration = register(user, session)
            registration.attendance = "present"
            registration.save()
    register(users[1], sessions[0])
    return programme, users


def _own_progress(row, user, programme):
    """The row's status, percent, attendance, open items, completion and cells against the
    learner's own progress (`programme_progress`, the rules on the learner's own page)."""
    from glans_learning.courses import selectors

    own = selectors.programme_progress(user=user, programme=programme)
    assert (row["status"], row["percent"], row["sessions_attended"]) == (
        own.status,
        own.percent,
        own.sessions_attended,
    )
    assert [str(item) for item in row["open"]] == [str(item) for item in own.open]
    assert row["completed_at"] == own.completed_at
    cells = []
    for module_state in own.modules:
        required = [s for s in module_state.lessons if not s.lesson.is_optional]
        done = (
            len(required)
            if module_state.status == "completed"
            else sum(1 for s in required if s.is_completed)
        )
        cells.append((module_state.module.pk, module_state.status, done, len(required)))
    assert [(c["module"].pk, c["status"], c["done"], c["total"]) for c in row["cells"]] == cells
    return row["status"]


def test_the_team_matrix_says_what_each_learners_own_progress_says(tmp_path, zonnebloem, year):
    from glans_learning.courses import selectors

    programme, users = build_varied_team(tmp_path, zonnebloem, year)
    matrix = selectors.team_progress(unit=zonnebloem, programme=programme)
    rows = {row["user"].username: row for row in matrix["rows"]}
    assert set(rows) == {user.username for user in users[:7]}  # not the withdrawn one
    statuses = {_own_progress(rows[user.username], user, programme) for user in users[:7]}
    assert statuses == set(STATUSES)


def test_learners_with_the_same_progress_each_get_their_own_answer(tmp_path, zonnebloem, year):
    """The matrix judges each combination of progress once and shares it between the rows
    that have it (issue #30): on a team where many learners share a few kinds of progress,
    some with a recorded completion, attendance or a confirmed assessment, every row still
    says what that learner's own progress says, on every page."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from glans_learning.courses import selectors
    from glans_learning.courses.models import (
        Enrollment,
        LessonPage,
        LessonProgress,
        ModuleCompletion,
        PracticalAssessment,
        ProgrammeCompletion,
        SessionRegistration,
    )
    from tests.courses.test_progress_support import make_session, set_page

    programme, _users = build_varied_team(tmp_path, zonnebloem, year)
    programme = set_page(programme, requires_practical_assessment=True)
    outline = selectors.programme_outline(programme=programme)
    lessons = LessonPage.objects.filter(pk__in=[ls.pk for m in outline for ls in m.outline_lessons])
    lessons = list(lessons.order_by("path"))
    session = make_session(programme, title="Praktijk")
    rnd = random.Random(30)
    now = timezone.now()
    kinds = [
        {lesson.pk: "completed" for lesson in lessons[:4]},
        {lesson.pk: "in_progress" for lesson in lessons[:1]},
        {lesson.pk: "completed" for lesson in lessons},
        {},
    ]
    learners = []
    for index in range(70):
        user = get_user_model().objects.create_user(f"zelfde{index:02}", last_name="Zelfde")
        learners.append(user)
        Enrollment.objects.create(user=user, programme=programme, school_year=year, unit=zonnebloem)
        LessonProgress.objects.bulk_create(
            LessonProgress(user=user, lesson_id=pk, first_visit_at=now, last_visit_at=now, status=s)
            for pk, s in rnd.choice(kinds).items()
        )
        if rnd.random() < 0.15:
            ModuleCompletion.objects.create(user=user, module_id=outline[1].pk, completed_at=now)
        if rnd.random() < 0.05:
            ProgrammeCompletion.objects.create(user=user, programme=programme, completed_at=now)
        if rnd.random() < 0.3:
            SessionRegistration.objects.create(
                session=session, user=user, attendance=rnd.choice(["present", "absent"])
            )
        if rnd.random() < 0.3:
            PracticalAssessment.objects.create(
                user=user,
                programme=programme,
                session=session,
                reflection="-",
                submitted_at=now,
                status=rnd.choice(["submitted", "confirmed"]),
            )
    users = {user.username: user for user in learners}
    compared = 0
    for page in (1, 2):
        matrix = selectors.team_progress(unit=zonnebloem, programme=programme, page=page)
        for row in matrix["rows"]:
            if row["user"].username in users:
                _own_progress(row, users[row["user"].username], programme)
                compared += 1
    assert compared == len(learners)
    whole = selectors.team_progress(unit=zonnebloem, programme=programme)["rows"]
    # Rows were shared: fewer different cell lists than learners.
    assert len({id(row["cells"]) for row in whole}) < len(whole) / 3
