"""Lesson progress, the completion rules, module and programme completion, sessions,
versioning (sticky completions) and idempotency."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError

from glans_learning.courses import completion as rules
from glans_learning.courses import selectors, services
from glans_learning.courses.models import (
    ActivityAttempt,
    ActivityResponse,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ProgrammeCompletion,
)
from tests.courses.test_progress_support import (
    answer,
    answer_all,
    complete_module_g,
    copy_material,
    lesson,
    load_dir,
    make_session,
    module_g,
    proef,
    register,
    set_max_attempts,
    set_page,
    write_lesson,
)

OPEN_ACTIVITIES = [
    "Maak de activiteit: Wat neem je mee?",
    "Maak de activiteit: Doe iets",
    "Maak de activiteit: Welke is juist?",
]


@pytest.fixture
def first(programme):
    return lesson("eerste-les")


@pytest.fixture
def second(programme):
    return lesson("tweede-les")


def state(user, lesson_page):
    row = LessonProgress.objects.filter(user=user, lesson=lesson_page).first()
    responses = {
        r.block_id: r for r in ActivityResponse.objects.filter(user=user, lesson=lesson_page)
    }
    return rules.evaluate_lesson(lesson_page, row, responses)


def status(user, lesson_page):
    row = LessonProgress.objects.filter(user=user, lesson=lesson_page).first()
    return row.status if row else None


# --- visits -------------------------------------------------------------------------------


def test_opening_a_lesson_records_the_visit(learner, first):
    row = services.lesson_open(user=learner, lesson=first)
    assert row.status == "in_progress"
    assert row.visits == 1
    assert row.first_visit_at == row.last_visit_at
    assert row.completed_at is None
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.last_activity_at == row.last_visit_at

    # a later visit (not a reload a moment later) counts, with the time in between
    earlier = row.last_visit_at - datetime.timedelta(minutes=10)
    LessonProgress.objects.filter(pk=row.pk).update(first_visit_at=earlier, last_visit_at=earlier)
    again = services.lesson_open(user=learner, lesson=first)
    assert LessonProgress.objects.filter(user=learner).count() == 1
    assert again.visits == 2
    assert again.first_visit_at == earlier
    assert again.last_visit_at > earlier
    assert 600 <= again.time_spent_seconds < 700
    assert Enrollment.objects.get(user=learner).last_activity_at == again.last_visit_at


def test_opening_without_enrolment_records_nothing(other_teacher, first):
    assert services.lesson_open(user=other_teacher, lesson=first) is None
    assert services.lesson_open(user=AnonymousUser(), lesson=first) is None
    with pytest.raises(ValidationError):  # answers need an enrolment too (issue #8)
        answer(other_teacher, first, "reflection")
    assert not ActivityResponse.objects.exists()
    assert not LessonProgress.objects.exists()
    assert not Enrollment.objects.exists()


def test_viewing_the_lesson_page_records_progress_only_when_enrolled(
    client, learner, other_teacher, first
):
    client.force_login(other_teacher)
    assert client.get(first.url).status_code == 200
    assert not LessonProgress.objects.exists()
    client.force_login(learner)
    response = client.get(first.url)
    assert response.status_code == 200
    assert response.context["lesson_state"].status == "in_progress"
    assert LessonProgress.objects.get(user=learner, lesson=first).visits == 1


def test_withdrawn_learner_gets_no_progress(learner, first):
    Enrollment.objects.filter(user=learner).update(status=Enrollment.Status.WITHDRAWN)
    assert services.lesson_open(user=learner, lesson=first) is None
    assert not LessonProgress.objects.exists()


# --- rule "activities" -------------------------------------------------------------------


def test_activities_rule_completes_after_all_required_activities(learner, first):
    services.lesson_open(user=learner, lesson=first)
    s = state(learner, first)
    assert (s.status, s.percent, s.open) == ("in_progress", 25, OPEN_ACTIVITIES)

    answer(learner, first, "reflection")
    s = state(learner, first)
    assert s.status == "in_progress"
    assert s.percent == 50
    assert s.open == OPEN_ACTIVITIES[1:]

    answer(learner, first, "assignment")
    assert state(learner, first).open == ["Maak de activiteit: Welke is juist?"]
    assert status(learner, first) == "in_progress"

    answer(learner, first, "knowledge_check", correct=False)  # answered counts, right or wrong
    s = state(learner, first)
    assert (s.status, s.percent, s.open) == ("completed", 100, [])
    assert LessonProgress.objects.get(user=learner, lesson=first).completed_at is not None


def test_not_opened_lesson_says_open_it(learner, first):
    s = state(learner, first)
    assert s.status == "not_started"
    assert s.open == ["Open de les.", *OPEN_ACTIVITIES]


def test_answering_completes_without_a_separate_open(learner, second):
    answer(learner, second, "reflection")
    row = LessonProgress.objects.get(user=learner, lesson=second)
    assert row.status == "completed"


def test_optional_activities_are_not_required(learner, programme, tmp_path):
    material = copy_material(tmp_path)
    write_lesson(
        material,
        "03-derde-les.md",
        slug="derde-les",
        title="Derde les",
        body=(
            "::: reflectie\nvraag: Verplichte vraag?\n:::\n\n"
            "::: reflectie\nvraag: Vrije vraag?\nverplicht: false\n:::\n"
        ),
    )
    load_dir(material)
    third = lesson("derde-les")
    services.lesson_open(user=learner, lesson=third)
    assert state(learner, third).open == ["Maak de activiteit: Verplichte vraag?"]
    answer(learner, third, "reflection", 0)
    assert status(learner, third) == "completed"


# --- rule "opened" and "manual" ----------------------------------------------------------


def test_opened_rule_completes_on_open(learner, second):
    second = set_page(second, completion_rule="opened")
    row = services.lesson_open(user=learner, lesson=second)
    assert row.status == "completed"
    assert state(learner, second).percent == 100


def test_manual_rule_needs_mark_done(learner, second):
    second = set_page(second, completion_rule="manual")
    services.lesson_open(user=learner, lesson=second)
    answer(learner, second, "reflection")  # activities do not complete a manual lesson
    s = state(learner, second)
    assert s.status == "in_progress"
    assert s.open == ["Vink de les af als je klaar bent."]
    row = services.lesson_mark_done(user=learner, lesson=second)
    assert row.status == "completed"
    assert state(learner, second).open == []


def test_mark_done_view_completes_a_manual_lesson(client, learner, second):
    second = set_page(second, completion_rule="manual")
    client.force_login(learner)
    response = client.post(f"/leren/les/{second.pk}/afgerond/")
    assert response.status_code == 302
    assert status(learner, second) == "completed"
    assert "De les is afgerond." in [str(m) for m in get_messages(response.wsgi_request)]


def test_mark_done_on_unmet_rule_lists_what_is_open(learner, first):
    with pytest.raises(ValidationError) as exc:
        services.lesson_mark_done(user=learner, lesson=first)
    assert exc.value.messages == OPEN_ACTIVITIES
    assert status(learner, first) == "in_progress"
    answer(learner, first, "reflection")
    with pytest.raises(ValidationError) as exc:
        services.lesson_mark_done(user=learner, lesson=first)
    assert exc.value.messages == OPEN_ACTIVITIES[1:]


def test_mark_done_view_on_unmet_rule_shows_what_is_open(client, learner, first):
    client.force_login(learner)
    response = client.post(f"/leren/les/{first.pk}/afgerond/")
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == " ".join(OPEN_ACTIVITIES)
    assert status(learner, first) == "in_progress"


def test_mark_done_without_enrolment_is_refused(other_teacher, second):
    with pytest.raises(ValidationError) as exc:
        services.lesson_mark_done(user=other_teacher, lesson=second)
    assert exc.value.messages == ["Schrijf je eerst in voor dit programma."]
    assert not LessonProgress.objects.exists()


def test_mark_done_on_a_met_rule_is_fine(learner, second):
    services.lesson_open(user=learner, lesson=second)
    answer(learner, second, "reflection")
    assert services.lesson_mark_done(user=learner, lesson=second).status == "completed"


# --- rule "score" ------------------------------------------------------------------------


def test_score_rule_needs_the_pass_score(learner, first):
    first = set_page(first, completion_rule="score", pass_score=70)
    first = set_max_attempts(first, 2)
    services.lesson_open(user=learner, lesson=first)
    answer(learner, first, "reflection")
    answer(learner, first, "assignment")
    answer(learner, first, "knowledge_check", correct=False)
    s = state(learner, first)
    assert s.status == "in_progress"
    assert s.score == 0
    assert s.open == ["Haal minstens 70% op de kennischecks (nu 0%)."]
    with pytest.raises(ValidationError) as exc:
        services.lesson_mark_done(user=learner, lesson=first)
    assert exc.value.messages == ["Haal minstens 70% op de kennischecks (nu 0%)."]

    answer(learner, first, "knowledge_check", correct=True)
    s = state(learner, first)
    assert (s.status, s.score, s.open) == ("completed", 100, [])
    assert ActivityResponse.objects.get(user=learner, kind="knowledge_check").attempts == 2


def test_score_rule_still_needs_the_other_activities(learner, first):
    first = set_page(first, completion_rule="score", pass_score=70)
    answer(learner, first, "knowledge_check", correct=True)
    s = state(learner, first)
    assert s.status == "in_progress"
    assert s.open == OPEN_ACTIVITIES[:2]


TWO_CHECKS = "\n".join(
    f"::: kennischeck\nvraag: Vraag {n}?\nopties:\n  - tekst: Goed\n    juist: true\n"
    f"    feedback: Ja.\n  - tekst: Fout\n    juist: false\n    feedback: Nee.\n:::\n"
    for n in (1, 2)
)


@pytest.mark.parametrize("pass_score, completed", [(50, True), (51, False), (0, True)])
def test_score_rule_threshold_is_inclusive(learner, programme, tmp_path, pass_score, completed):
    material = copy_material(tmp_path)
    write_lesson(material, "03-toets.md", slug="toets", title="Toets", body=TWO_CHECKS)
    load_dir(material)
    toets = set_page(lesson("toets"), completion_rule="score", pass_score=pass_score)
    services.lesson_open(user=learner, lesson=toets)
    answer(learner, toets, "knowledge_check", 0, correct=True)
    assert status(learner, toets) == "in_progress"  # the second check is not answered yet
    answer(learner, toets, "knowledge_check", 1, correct=False)
    s = state(learner, toets)
    assert s.score == 50
    assert (status(learner, toets) == "completed") is completed
    assert (s.open == []) is completed


# --- module and programme ----------------------------------------------------------------


def test_module_completes_when_all_required_lessons_complete(learner, first, second):
    services.lesson_open(user=learner, lesson=first)
    answer_all(learner, first)
    assert not ModuleCompletion.objects.exists()
    module_state = selectors.module_progress(
        user=learner, module=module_g(), lessons=selectors.module_lessons(module=module_g())
    )
    assert module_state.status == "in_progress"
    assert module_state.percent == 50
    assert module_state.open == ["Rond de les af: Tweede les"]

    answer_all(learner, second)
    completion = ModuleCompletion.objects.get()
    assert completion.user == learner
    assert completion.module == module_g()
    assert sorted(completion.requirements["lessons"]) == sorted([first.pk, second.pk])
    programme_completion = ProgrammeCompletion.objects.get()
    assert programme_completion.enrollment == Enrollment.objects.get(user=learner)


def test_optional_lesson_is_not_needed_for_the_module(learner, first, second):
    set_page(second, is_optional=True)
    services.lesson_open(user=learner, lesson=first)
    answer_all(learner, first)
    assert ModuleCompletion.objects.filter(user=learner).count() == 1
    state_ = selectors.programme_progress(user=learner, programme=proef())
    assert state_.status == "completed"
    assert state_.next_lesson.pk == second.pk  # optional material stays on offer


def test_completing_lessons_of_one_learner_does_not_complete_another(
    learner, tdt_teacher, programme
):
    services.enrol(user=tdt_teacher, programme=programme, by=tdt_teacher)
    complete_module_g(learner)
    assert ModuleCompletion.objects.filter(user=tdt_teacher).count() == 0
    assert selectors.programme_progress(user=tdt_teacher, programme=programme).status == (
        "not_started"
    )


@pytest.fixture
def two_sessions_needed(programme):
    programme = set_page(programme, required_session_count=2)
    return programme, [make_session(programme, title=f"B{n}") for n in (1, 2, 3)]


def test_programme_needs_attended_sessions(learner, academy_trainer, two_sessions_needed):
    programme, sessions = two_sessions_needed
    for session in sessions:
        register(learner, session)
    complete_module_g(learner)
    assert ModuleCompletion.objects.count() == 1
    assert not ProgrammeCompletion.objects.exists()
    state_ = selectors.programme_progress(user=learner, programme=programme)
    assert state_.status == "in_progress"
    assert state_.open == ["Woon nog 2 bijeenkomsten bij (of haal ze elders in): 0 van 2."]
    assert state_.percent == 33

    record = services.attendance_record
    record(by=academy_trainer, session=sessions[0], user_id=learner.pk, attendance="absent")
    record(by=academy_trainer, session=sessions[1], user_id=learner.pk, attendance="excused")
    assert not ProgrammeCompletion.objects.exists()
    record(by=academy_trainer, session=sessions[2], user_id=learner.pk, attendance="present")
    assert not ProgrammeCompletion.objects.exists()
    state_ = selectors.programme_progress(user=learner, programme=programme)
    assert state_.sessions_attended == 1
    assert state_.open == ["Woon nog 1 bijeenkomst bij (of haal die elders in): 1 van 2."]

    record(by=academy_trainer, session=sessions[0], user_id=learner.pk, attendance="made_up")
    completion = ProgrammeCompletion.objects.get()
    assert completion.requirements == {"modules": [module_g().pk], "sessions": 2}
    state_ = selectors.programme_progress(user=learner, programme=programme)
    assert (state_.status, state_.percent, state_.sessions_attended) == ("completed", 100, 2)


def test_attendance_before_the_lessons_completes_the_programme_at_the_last_lesson(
    learner, academy_trainer, two_sessions_needed
):
    programme, sessions = two_sessions_needed
    for session, value in zip(sessions, ("present", "made_up", "absent"), strict=True):
        register(learner, session)
        services.attendance_record(
            by=academy_trainer, session=session, user_id=learner.pk, attendance=value
        )
    assert not ProgrammeCompletion.objects.exists()
    complete_module_g(learner)
    assert ProgrammeCompletion.objects.filter(user=learner, programme=programme).count() == 1


def test_only_managers_record_attendance(learner, teacher, two_sessions_needed):
    _programme, sessions = two_sessions_needed
    register(learner, sessions[0])
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            by=teacher, session=sessions[0], user_id=learner.pk, attendance="present"
        )
    assert sessions[0].registrations.get().attendance == "unknown"


def test_invalid_attendance_and_unregistered_person_are_refused(
    learner, academy_trainer, two_sessions_needed
):
    _programme, sessions = two_sessions_needed
    register(learner, sessions[0])
    with pytest.raises(ValidationError):
        services.attendance_record(
            by=academy_trainer, session=sessions[0], user_id=learner.pk, attendance="ja"
        )
    with pytest.raises(ValidationError):
        services.attendance_record(
            by=academy_trainer, session=sessions[1], user_id=learner.pk, attendance="present"
        )


# --- versioning: completions are sticky ---------------------------------------------------


def add_third_lesson(tmp_path):
    material = copy_material(tmp_path)
    write_lesson(
        material,
        "03-derde-les.md",
        slug="derde-les",
        title="Derde les",
        body="::: reflectie\nvraag: Nieuwe vraag?\n:::\n",
    )
    report = load_dir(material)
    assert report.created == ["proef/01-g/03-derde-les.md"]
    return lesson("derde-les")


def test_new_lesson_after_completion_keeps_the_completion(learner, programme, tmp_path):
    complete_module_g(learner)
    completed_at = ModuleCompletion.objects.get().completed_at
    assert ProgrammeCompletion.objects.count() == 1

    third = add_third_lesson(tmp_path)
    assert third.live

    assert ModuleCompletion.objects.get().completed_at == completed_at
    module = module_g()
    module_state = selectors.module_progress(
        user=learner, module=module, lessons=selectors.module_lessons(module=module)
    )
    assert module_state.status == "completed"
    assert module_state.percent == 100
    assert module_state.new_material == ["Derde les"]
    assert [s.lesson.pk for s in module_state.lessons][-1] == third.pk
    assert module_state.lessons[-1].status == "not_started"

    programme_state = selectors.programme_progress(user=learner, programme=programme)
    assert programme_state.status == "completed"
    assert programme_state.modules[0].new_material == ["Derde les"]
    assert programme_state.next_lesson.pk == third.pk
    assert ProgrammeCompletion.objects.count() == 1

    # doing the new lesson clears the notice and still creates no second completion
    answer_all(learner, third)
    module_state = selectors.module_progress(
        user=learner, module=module, lessons=selectors.module_lessons(module=module)
    )
    assert module_state.new_material == []
    assert ModuleCompletion.objects.count() == 1
    assert ProgrammeCompletion.objects.count() == 1


def test_new_lesson_counts_for_learners_who_had_not_finished(learner, first, second, tmp_path):
    services.lesson_open(user=learner, lesson=first)
    answer_all(learner, first)
    third = add_third_lesson(tmp_path)
    answer_all(learner, second)
    assert not ModuleCompletion.objects.exists()
    module_state = selectors.module_progress(
        user=learner, module=module_g(), lessons=selectors.module_lessons(module=module_g())
    )
    assert module_state.open == ["Rond de les af: Derde les"]
    assert module_state.new_material == []
    answer_all(learner, third)
    assert ModuleCompletion.objects.count() == 1


def test_new_activity_in_a_completed_lesson_keeps_the_lesson_completed(learner, first, tmp_path):
    services.lesson_open(user=learner, lesson=first)
    answer_all(learner, first)
    material = copy_material(tmp_path)
    path = material / "proef/01-g/01-eerste-les.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n::: reflectie\nvraag: Extra vraag?\n:::\n",
        encoding="utf-8",
    )
    report = load_dir(material)
    assert report.updated == ["proef/01-g/01-eerste-les.md"]
    first = lesson("eerste-les")
    assert len(first.activity_summary) == 4
    s = state(learner, first)
    assert (s.status, s.open) == ("completed", [])
    services.lesson_open(user=learner, lesson=first)
    assert status(learner, first) == "completed"


def test_new_lesson_added_in_the_admin_keeps_the_completion(learner, programme):
    complete_module_g(learner)
    module = module_g()
    new = LessonPage(
        title="Les uit de beheeromgeving",
        slug="beheer-les",
        body=[("reflection", {"question": "Wat vond je?", "required": True})],
    )
    module.add_child(instance=new)
    new.save_revision().publish()
    assert ModuleCompletion.objects.count() == 1
    module_state = selectors.module_progress(
        user=learner, module=module, lessons=selectors.module_lessons(module=module)
    )
    assert module_state.status == "completed"
    assert module_state.new_material == ["Les uit de beheeromgeving"]


def test_new_module_after_programme_completion_keeps_it(learner, programme, tmp_path):
    complete_module_g(learner)
    material = copy_material(tmp_path)
    module_dir = material / "proef/02-l"
    module_dir.mkdir()
    (module_dir / "module.md").write_text(
        "---\ntitle: L – Lijn\nslug: l\nletter: L\nestimated_minutes: 10\n---\nLijn.\n",
        encoding="utf-8",
    )
    write_lesson(material, "01-lijn.md", slug="lijn", title="Lijn", module_dir="proef/02-l")
    load_dir(material)
    state_ = selectors.programme_progress(user=learner, programme=programme)
    assert state_.status == "completed"
    assert [m.status for m in state_.modules] == ["completed", "not_started"]
    assert ProgrammeCompletion.objects.count() == 1


# --- idempotency -------------------------------------------------------------------------


def test_repeated_calls_never_create_a_second_row(learner, programme, first, second):
    for round_ in range(3):
        services.lesson_open(user=learner, lesson=first)
        answer(learner, first, "reflection")
        answer(learner, first, "assignment")
        if round_ == 0:
            answer(learner, first, "knowledge_check")
        else:  # one attempt: a knowledge check is answered once
            with pytest.raises(ValidationError):
                answer(learner, first, "knowledge_check")
        services.lesson_open(user=learner, lesson=second)
        answer_all(learner, second)
        services.lesson_mark_done(user=learner, lesson=second)
        rules.check_programme(user=learner, programme_id=programme.pk)
    assert LessonProgress.objects.filter(user=learner).count() == 2
    assert ActivityResponse.objects.filter(user=learner).count() == 4
    assert sorted(ActivityResponse.objects.values_list("attempts", flat=True)) == [1, 3, 3, 3]
    assert ActivityAttempt.objects.filter(user=learner).count() == 10
    assert ModuleCompletion.objects.filter(user=learner).count() == 1
    assert ProgrammeCompletion.objects.filter(user=learner).count() == 1
    assert LessonProgress.objects.get(user=learner, lesson=first).status == "completed"


def test_completion_time_does_not_move_on_repeat(learner, first, second):
    complete_module_g(learner)
    row = LessonProgress.objects.get(user=learner, lesson=first)
    module_done = ModuleCompletion.objects.get().completed_at
    services.lesson_open(user=learner, lesson=first)
    answer(learner, first, "reflection")
    answer(learner, first, "assignment")
    assert LessonProgress.objects.get(pk=row.pk).completed_at == row.completed_at
    assert ModuleCompletion.objects.get().completed_at == module_done


def test_check_programme_without_requirements_met_creates_nothing(learner, programme):
    rules.check_programme(user=learner, programme_id=programme.pk)
    rules.check_programme(user=learner, programme_id=987654)
    assert not ProgrammeCompletion.objects.exists()


def test_lesson_time_spent_is_capped(learner, first):
    row = services.lesson_open(user=learner, lesson=first)
    LessonProgress.objects.filter(pk=row.pk).update(
        last_visit_at=row.last_visit_at - datetime.timedelta(hours=5)
    )
    row = services.lesson_open(user=learner, lesson=first)
    assert row.time_spent_seconds == services.STEP_CAP_SECONDS
