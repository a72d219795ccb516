"""The learner-facing pages, activities, search, sessions and the programmes API."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from glans_learning.courses import services
from glans_learning.courses.models import (
    ActivityResponse,
    ProgrammePage,
    Session,
    SessionRegistration,
)
from tests.factories import log_in


def blocks(lesson):
    return {child.block_type: child.id for child in lesson.body}


def test_pages_need_a_login(client, loaded_fixture):
    response = client.get(loaded_fixture["lesson"].url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_programme_module_and_lesson_pages(client, teacher, loaded_fixture):
    client.force_login(teacher)
    lesson = loaded_fixture["lesson"]
    programme = ProgrammePage.objects.get(slug="proef")
    assert "G – Proefmodule" in client.get(programme.url).content.decode()
    assert "Eerste les" in client.get(lesson.get_parent().url).content.decode()
    html = client.get(lesson.url).content.decode()
    assert "Les 1 van 2" in html
    assert 'rel="next"' in html and "Tweede les" in html
    assert "geheime trainerstekst" not in html


def test_lesson_navigation_leaves_out_unpublished_lessons(client, teacher, loaded_fixture):
    """The breadcrumb, 'Les n van m', previous/next and the sidebar come from one raw read of
    the page tree; a lesson taken offline must drop out of all of them."""
    lesson = loaded_fixture["lesson"]
    module = lesson.get_parent().specific
    programme = module.get_parent().specific
    second = lesson.get_next_sibling().specific
    client.force_login(teacher)
    html = client.get(second.url).content.decode()
    assert "Les 2 van 2" in html
    assert f'href="{programme.url}"' in html and f'href="{module.url}"' in html
    assert f'rel="prev" href="{lesson.url}"' in html
    lesson.unpublish()
    html = client.get(second.url).content.decode()
    assert "Les 1 van 1" in html
    assert 'rel="prev"' not in html and lesson.title not in html


def test_lesson_sidebar_shows_where_the_learner_stands(
    client, teacher, zonnebloem, loaded_fixture, year
):
    from glans_learning.courses.models import Enrollment

    lesson = loaded_fixture["lesson"]
    second = lesson.get_next_sibling().specific
    Enrollment.objects.create(
        user=teacher,
        programme=lesson.get_parent().get_parent().specific,
        school_year=year,
        unit=zonnebloem,
    )
    client.force_login(teacher)
    client.get(second.url)
    html = client.get(lesson.url).content.decode()
    sidebar = html[html.index('class="module-nav') :]
    assert sidebar.count("status--in_progress") == 2  # both lessons opened, neither done


@pytest.mark.parametrize("who", ["tdt_teacher", "academy_trainer"])
def test_trainer_notes_are_shown_to_trainers(client, request, loaded_fixture, who):
    log_in(client, request.getfixturevalue(who))
    assert "geheime trainerstekst" in client.get(loaded_fixture["lesson"].url).content.decode()


def test_reflection_is_private_and_can_be_updated(client, learner, other_teacher, loaded_fixture):
    teacher = learner
    lesson = loaded_fixture["lesson"]
    url = f"/leren/activiteit/{lesson.pk}/{blocks(lesson)['reflection']}/"
    client.force_login(teacher)
    client.post(url, {"answer": "Mijn eerste gedachte"})
    client.post(url, {"answer": "Mijn tweede gedachte"})
    answer = ActivityResponse.objects.get(user=teacher, lesson=lesson)
    assert (answer.answer_text, answer.attempts) == ("Mijn tweede gedachte", 2)
    assert "Mijn tweede gedachte" in client.get(lesson.url).content.decode()
    other = Client()
    other.force_login(other_teacher)
    assert "Mijn tweede gedachte" not in other.get(lesson.url).content.decode()


def test_knowledge_check_shows_feedback(client, learner, loaded_fixture):
    teacher = learner
    lesson = loaded_fixture["lesson"]
    client.force_login(teacher)
    client.post(
        f"/leren/activiteit/{lesson.pk}/{blocks(lesson)['knowledge_check']}/", {"choice": "0"}
    )
    answer = ActivityResponse.objects.get(user=teacher, block_id=blocks(lesson)["knowledge_check"])
    assert answer.is_correct and answer.score == 100
    assert "Goed zo." in client.get(lesson.url).content.decode()


@pytest.mark.parametrize(
    ("block", "data", "message"),
    [
        ("knowledge_check", {"choice": "7"}, "Dit antwoord bestaat niet."),
        ("knowledge_check", {}, "Kies een antwoord."),
        ("reflection", {"answer": "   "}, "Vul een antwoord in."),
        (None, {"answer": "x"}, "Deze activiteit bestaat niet in deze les."),
    ],
)
def test_bad_answers_change_nothing(client, learner, loaded_fixture, block, data, message):
    teacher = learner
    lesson = loaded_fixture["lesson"]
    block_id = blocks(lesson)[block] if block else "onbekend"
    client.force_login(teacher)
    response = client.post(f"/leren/activiteit/{lesson.pk}/{block_id}/", data, follow=True)
    assert message in response.content.decode()
    assert not ActivityResponse.objects.exists()


def test_activity_api_needs_csrf_with_a_session(learner, loaded_fixture):
    teacher = learner
    lesson = loaded_fixture["lesson"]
    url = f"/api/v1/lessons/{lesson.pk}/activities/{blocks(lesson)['knowledge_check']}"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(teacher)
    assert strict.post(url, {"choice": 0}, content_type="application/json").status_code == 403
    relaxed = Client()
    relaxed.force_login(teacher)
    data = relaxed.post(url, {"choice": 1}, content_type="application/json").json()
    assert (data["is_correct"], data["feedback"]) == (False, "Helaas.")


def test_programmes_api(client, teacher, loaded_fixture):
    assert client.get("/api/v1/programmes").status_code == 401
    client.force_login(teacher)
    [programme] = client.get("/api/v1/programmes").json()
    [module] = programme["modules"]
    assert [lesson["title"] for lesson in module["lessons"]] == ["Eerste les", "Tweede les"]
    assert module["lessons"][0]["url"].endswith("/proef/g/eerste-les/")


def test_search_finds_lessons(client, teacher, loaded_fixture):
    client.force_login(teacher)
    html = client.get("/leren/zoeken/?q=peutergroep").content.decode()
    assert "Eerste les" in html


@pytest.fixture
def session_of(loaded_fixture):
    programme = ProgrammePage.objects.get(slug="proef")

    def make(unit=None, days=7, capacity=None, kind=Session.Kind.TEAM):
        start = timezone.now() + datetime.timedelta(days=days)
        return Session.objects.create(
            programme=programme,
            kind=kind,
            unit=unit,
            title="Bijeenkomst",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            location="Utrecht",
            capacity=capacity,
        )

    return make


def test_register_once_with_one_confirmation(
    client, teacher, session_of, django_capture_on_commit_callbacks
):
    session = session_of()
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/leren/bijeenkomsten/{session.pk}/aanmelden/")
        client.post(f"/leren/bijeenkomsten/{session.pk}/aanmelden/")
    assert SessionRegistration.objects.filter(session=session, user=teacher).count() == 1
    assert len(mail.outbox) == 1


def test_other_units_session_is_not_found(client, teacher, regenboog, session_of):
    session = session_of(unit=regenboog)
    client.force_login(teacher)
    assert client.post(f"/leren/bijeenkomsten/{session.pk}/aanmelden/").status_code == 404


def test_full_and_past_sessions_refuse(client, teacher, other_teacher, session_of):
    full = session_of(capacity=1)
    SessionRegistration.objects.create(session=full, user=other_teacher)
    past = session_of(days=-3)
    client.force_login(teacher)
    for session, message in ((full, "Deze bijeenkomst is vol."), (past, "al voorbij")):
        response = client.post(f"/leren/bijeenkomsten/{session.pk}/aanmelden/", follow=True)
        assert message in response.content.decode()
        assert not SessionRegistration.objects.filter(session=session, user=teacher).exists()


def test_past_session_offers_no_registration(client, teacher, session_of):
    past, coming = session_of(days=-3), session_of(days=3)
    client.force_login(teacher)
    page = client.get("/leren/bijeenkomsten/").content.decode()
    assert page.count('class="button button--small">Aanmelden') == 1
    assert f"/leren/bijeenkomsten/{coming.pk}/aanmelden/" in page
    assert f"/leren/bijeenkomsten/{past.pk}/aanmelden/" not in page
    assert "voorbij" in page


def test_tdt_meetings_are_for_team_leads_not_teachers(client, teacher, tdt_teacher, session_of):
    meeting = session_of(kind=Session.Kind.TDT)
    client.force_login(teacher)
    assert (
        f"/leren/bijeenkomsten/{meeting.pk}/"
        not in client.get("/leren/bijeenkomsten/").content.decode()
    )
    assert client.post(f"/leren/bijeenkomsten/{meeting.pk}/aanmelden/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.session_register(user=teacher, session=meeting)
    assert not SessionRegistration.objects.filter(session=meeting).exists()
    client.force_login(tdt_teacher)
    assert (
        f"/leren/bijeenkomsten/{meeting.pk}/aanmelden/"
        in client.get("/leren/bijeenkomsten/").content.decode()
    )
    client.post(f"/leren/bijeenkomsten/{meeting.pk}/aanmelden/")
    assert SessionRegistration.objects.filter(session=meeting, user=tdt_teacher).exists()


def test_attendance_by_trainer_not_by_learner(client, teacher, academy_trainer, session_of):
    session = session_of(days=0)
    SessionRegistration.objects.create(session=session, user=teacher)
    url = f"/leren/bijeenkomsten/{session.pk}/aanwezigheid/"
    client.force_login(teacher)
    assert client.get(url).status_code == 404
    client.force_login(academy_trainer)
    assert client.post(url, {f"attendance-{teacher.pk}": "bogus"}).status_code == 200
    assert SessionRegistration.objects.get(user=teacher).attendance == "unknown"
    client.post(url, {f"attendance-{teacher.pk}": "made_up", f"note-{teacher.pk}": "Andere groep"})
    registration = SessionRegistration.objects.get(user=teacher)
    assert (registration.attendance, registration.recorded_by) == ("made_up", academy_trainer)
