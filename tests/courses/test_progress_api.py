"""The progress API: my progress, opening and completing lessons, enrolling, team progress."""

import datetime

import pytest
from django.utils import timezone

from glans_learning.core.services import api_token_create
from glans_learning.courses import services
from glans_learning.courses.models import Enrollment, LessonProgress, ModuleCompletion
from tests.courses.test_progress_support import (
    answer,
    answer_all,
    complete_module_g,
    lesson,
    make_session,
    register,
    set_page,
)
from tests.factories import log_in


def team_url(unit, programme, extra=""):
    return f"/api/v1/organisations/{unit.pk}/progress?programme={programme.pk}{extra}"


# --- /me/progress ------------------------------------------------------------------------


def test_my_progress_lists_programmes_modules_lessons_with_open(client, learner, programme):
    first = lesson("eerste-les")
    services.lesson_open(user=learner, lesson=first)
    answer(learner, first, "reflection")
    client.force_login(learner)
    response = client.get("/api/v1/me/progress")
    assert response.status_code == 200
    [data] = response.json()
    assert data["id"] == programme.pk
    assert data["title"] == "Proefprogramma"
    assert data["school_year"] == "cur"
    assert data["status"] == "in_progress"
    assert data["percent"] == 0
    assert data["open"] == ["Rond de module af: G – Proefmodule"]
    assert (data["sessions_attended"], data["sessions_required"]) == (0, 0)
    assert data["next_lesson_url"].endswith("/eerste-les/")
    [module] = data["modules"]
    assert (module["title"], module["letter"], module["status"]) == (
        "G – Proefmodule",
        "G",
        "in_progress",
    )
    assert module["percent"] == 0
    assert module["open"] == ["Rond de les af: Eerste les", "Rond de les af: Tweede les"]
    assert module["new_material"] == []
    eerste, tweede = module["lessons"]
    assert eerste["id"] == first.pk
    assert eerste["status"] == "in_progress"
    assert eerste["percent"] == 50
    assert eerste["open"] == [
        "Maak de activiteit: Doe iets",
        "Maak de activiteit: Welke is juist?",
    ]
    assert eerste["visits"] == 1
    assert tweede["status"] == "not_started"
    assert tweede["percent"] == 0
    assert tweede["open"] == ["Open de les.", "Maak de activiteit: Hoe geef je dit aan je team?"]


def test_my_progress_after_completion(client, learner):
    complete_module_g(learner)
    client.force_login(learner)
    [data] = client.get("/api/v1/me/progress").json()
    assert (data["status"], data["percent"], data["open"]) == ("completed", 100, [])
    assert data["next_lesson_url"] is None
    assert all(s["status"] == "completed" for s in data["modules"][0]["lessons"])


def test_my_progress_is_empty_without_enrolment_and_needs_login(client, teacher, programme):
    assert client.get("/api/v1/me/progress").status_code == 401
    client.force_login(teacher)
    assert client.get("/api/v1/me/progress").json() == []


def test_my_progress_with_an_api_token(client, learner):
    _token, key = api_token_create(user=learner, name="app")
    response = client.get("/api/v1/me/progress", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert [p["title"] for p in response.json()] == ["Proefprogramma"]


# --- open / complete ---------------------------------------------------------------------


def test_open_lesson_records_progress(client, learner):
    first = lesson("eerste-les")
    client.force_login(learner)
    response = client.post(f"/api/v1/lessons/{first.pk}/open")
    assert response.status_code == 200
    assert response.json() == {
        "lesson_id": first.pk,
        "status": "in_progress",
        "open": [
            "Maak de activiteit: Wat neem je mee?",
            "Maak de activiteit: Doe iets",
            "Maak de activiteit: Welke is juist?",
        ],
    }
    assert LessonProgress.objects.get(user=learner, lesson=first).status == "in_progress"


def test_open_lesson_with_opened_rule_completes_it(client, learner):
    second = set_page(lesson("tweede-les"), completion_rule="opened")
    client.force_login(learner)
    data = client.post(f"/api/v1/lessons/{second.pk}/open").json()
    assert (data["status"], data["open"]) == ("completed", [])


def test_open_lesson_without_enrolment_is_refused(client, teacher, programme):
    first = lesson("eerste-les")
    client.force_login(teacher)
    response = client.post(f"/api/v1/lessons/{first.pk}/open")
    assert response.status_code == 409
    assert [e["msg"] for e in response.json()["errors"]] == [
        "Schrijf je eerst in voor dit programma."
    ]
    assert not LessonProgress.objects.exists()


def test_complete_lesson_with_unmet_rule_lists_what_is_open(client, learner):
    first = lesson("eerste-les")
    client.force_login(learner)
    response = client.post(f"/api/v1/lessons/{first.pk}/complete")
    assert response.status_code == 409
    assert [e["msg"] for e in response.json()["errors"]] == [
        "Maak de activiteit: Wat neem je mee?",
        "Maak de activiteit: Doe iets",
        "Maak de activiteit: Welke is juist?",
    ]
    assert LessonProgress.objects.get(user=learner, lesson=first).status == "in_progress"


def test_complete_manual_lesson_and_module(client, learner):
    first = lesson("eerste-les")
    services.lesson_open(user=learner, lesson=first)
    answer_all(learner, first)
    second = set_page(lesson("tweede-les"), completion_rule="manual")
    client.force_login(learner)
    response = client.post(f"/api/v1/lessons/{second.pk}/complete")
    assert response.status_code == 200
    assert response.json() == {"lesson_id": second.pk, "status": "completed", "open": []}
    assert client.post(f"/api/v1/lessons/{second.pk}/complete").status_code == 200
    assert ModuleCompletion.objects.filter(user=learner).count() == 1


def test_activity_answer_through_the_api_counts(client, learner):
    second = lesson("tweede-les")
    block_id = second.activity_summary[0]["id"]
    client.force_login(learner)
    response = client.post(
        f"/api/v1/lessons/{second.pk}/activities/{block_id}",
        {"answer": "Zo geef ik het door aan mijn team."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert LessonProgress.objects.get(user=learner, lesson=second).status == "completed"


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "99999999", "99999999999999999999999"])
@pytest.mark.parametrize("action", ["open", "complete"])
def test_open_and_complete_with_malformed_ids_are_404(client, learner, bad_id, action):
    client.force_login(learner)
    response = client.post(f"/api/v1/lessons/{bad_id}/{action}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Niet gevonden."


def test_open_and_complete_need_login(client, learner):
    first = lesson("eerste-les")
    assert client.post(f"/api/v1/lessons/{first.pk}/open").status_code == 401
    assert client.post(f"/api/v1/lessons/{first.pk}/complete").status_code == 401
    assert not LessonProgress.objects.exists()


# --- enrol -------------------------------------------------------------------------------


def test_enrol_via_api_is_idempotent_and_respects_self_enrolment(client, teacher, programme):
    client.force_login(teacher)
    url = f"/api/v1/programmes/{programme.pk}/enrol"
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200
    assert Enrollment.objects.filter(user=teacher).count() == 1
    closed = set_page(programme, self_enrolment=False)
    Enrollment.objects.all().delete()
    response = client.post(f"/api/v1/programmes/{closed.pk}/enrol")
    assert response.status_code == 403
    assert not Enrollment.objects.exists()
    assert client.post("/api/v1/programmes/abc/enrol").status_code == 404


# --- team progress -----------------------------------------------------------------------


@pytest.fixture
def team(programme, director, teacher, tdt_teacher, zonnebloem):
    services.enrol_members(
        by=director, unit=zonnebloem, programme=programme, user_ids=[teacher.pk, tdt_teacher.pk]
    )
    complete_module_g(teacher)
    session = make_session(programme, title="Start")
    registration = register(teacher, session)
    registration.attendance = "made_up"
    registration.save()
    Enrollment.objects.filter(user=tdt_teacher).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=30)
    )
    return session


@pytest.mark.parametrize("who", ["director", "academy_trainer", "tdt_teacher"])
def test_team_progress_for_those_who_lead_the_team(
    client, request, team, programme, zonnebloem, teacher, tdt_teacher, who
):
    log_in(client, request.getfixturevalue(who))
    response = client.get(team_url(zonnebloem, programme))
    assert response.status_code == 200
    data = response.json()
    assert data["programme_id"] == programme.pk
    assert data["sessions"] == [f"Start ({team.starts_at:%Y-%m-%d})"]
    rows = {row["user_id"]: row for row in data["rows"]}
    assert set(rows) == {teacher.pk, tdt_teacher.pk}
    done = rows[teacher.pk]
    assert done["name"] == (teacher.get_full_name() or teacher.username)
    assert done["school_year"] == "cur"
    assert (done["percent"], done["stalled"]) == (100, False)
    assert done["modules"][0]["status"] == "completed"
    assert (done["modules"][0]["done"], done["modules"][0]["total"]) == (2, 2)
    assert done["attendance"] == ["made_up"]
    idle = rows[tdt_teacher.pk]
    assert (idle["percent"], idle["stalled"], idle["attendance"]) == (0, True, [None])
    assert idle["modules"][0]["status"] == "not_started"


def test_team_progress_filters(client, team, programme, director, zonnebloem, tdt_teacher, year):
    client.force_login(director)
    by_role = client.get(team_url(zonnebloem, programme, "&role=tdt_participant")).json()
    assert [row["user_id"] for row in by_role["rows"]] == [tdt_teacher.pk]
    by_year = client.get(team_url(zonnebloem, programme, f"&school_year={year.pk}")).json()
    assert len(by_year["rows"]) == 2


@pytest.mark.parametrize("who", ["other_director", "other_teacher"])
def test_team_progress_of_another_school_is_404(
    client, request, team, programme, zonnebloem, teacher, who
):
    log_in(client, request.getfixturevalue(who))
    response = client.get(team_url(zonnebloem, programme))
    assert response.status_code == 404
    assert response.json() == {"detail": "Niet gevonden."}
    assert teacher.username not in response.content.decode()


def test_team_progress_is_403_for_a_plain_teacher_of_the_school(
    client, team, programme, zonnebloem, teacher
):
    client.force_login(teacher)
    response = client.get(team_url(zonnebloem, programme))
    assert response.status_code == 403
    assert response.json() == {"detail": "Je hebt geen toegang tot deze gegevens."}


def test_team_progress_gives_auditors_no_names(
    client, team, programme, zonnebloem, teacher, auditor
):
    log_in(client, auditor)
    response = client.get(team_url(zonnebloem, programme))
    assert response.status_code in (403, 404)
    assert teacher.get_full_name() not in response.content.decode()


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "1.5", "99999999", "99999999999999999999999"])
def test_team_progress_with_malformed_unit_id_is_404(client, team, director, programme, bad_id):
    client.force_login(director)
    response = client.get(f"/api/v1/organisations/{bad_id}/progress?programme={programme.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Niet gevonden."


@pytest.mark.parametrize("query", ["programme=99999999", "programme=1&school_year=99999999"])
def test_team_progress_with_unknown_programme_or_year_is_404(
    client, team, director, zonnebloem, programme, query
):
    client.force_login(director)
    query = query.replace("programme=1", f"programme={programme.pk}")
    response = client.get(f"/api/v1/organisations/{zonnebloem.pk}/progress?{query}")
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["", "programme=abc", "programme=99999999999999999999999"])
def test_team_progress_with_missing_or_malformed_programme_is_a_client_error(
    client, team, director, zonnebloem, query
):
    client.force_login(director)
    response = client.get(f"/api/v1/organisations/{zonnebloem.pk}/progress?{query}")
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")
