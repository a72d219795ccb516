"""Issue #14 "Everyday use": team-session mode, the calendar (.ics and the personal feed) and
the learner's logbook."""

import datetime
from html import unescape

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from glans_learning.courses import services, team_sessions
from glans_learning.courses.models import (
    ActivityResponse,
    LessonPage,
    Session,
    SessionRegistration,
)
from glans_learning.courses.selectors.guides import guide_minutes, guide_timeline
from tests.courses.test_progress_support import make_session, register
from tests.courses.test_trust import csrf_client, flash
from tests.factories import person

TIMELINE = """Inleiding.

## Tijdlijn (60 minuten)

| tijd | onderdeel | wie |
|---|---|---|
| 0–10 | Opening | directeur |
| 10–45 | Oefenen in drietallen | trainer 1 |
| 45–60 | Afspraken | directeur |

## Gespreksvragen

Tekst.
"""


@pytest.fixture
def guide(loaded_fixture):
    from glans_learning.content.material import parse_body

    page = LessonPage.objects.get(slug="tweede-les")
    page.body = parse_body(TIMELINE, "test.md")
    page.save()
    return page


def _plan(client, token, guide, unit, **extra):
    day = timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "csrfmiddlewaretoken": token,
        "guide": guide.pk,
        "unit": unit.pk,
        "date": day.isoformat(),
        "time": "15:30",
        "minutes": 60,
        "location": "Teamkamer",
        **extra,
    }
    return client.post("/leren/team/bijeenkomst-plannen/", data)


# --- planning -------------------------------------------------------------------------


def test_guide_timeline_is_read_from_the_table_under_its_heading(guide):
    steps = guide_timeline(guide)
    assert [(s.start, s.end, s.title, s.who) for s in steps] == [
        (0, 10, "Opening", "directeur"),
        (10, 45, "Oefenen in drietallen", "trainer 1"),
        (45, 60, "Afspraken", "directeur"),
    ]
    assert guide_minutes(guide) == 60


def test_tdt_participant_plans_a_team_session_for_their_own_school(
    tdt_teacher, zonnebloem, guide, year
):
    url = f"/leren/team/bijeenkomst-plannen/?handleiding={guide.pk}"
    client, token = csrf_client(tdt_teacher, url)
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="60"' in page.content.decode()  # the guide's timeline sets the duration
    response = _plan(client, token, guide, zonnebloem)
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/leren/bijeenkomsten/{session.pk}/"
    assert session.kind == Session.Kind.TEAM
    assert session.unit == zonnebloem
    assert session.guide == guide
    assert session.planned_by == tdt_teacher
    assert list(session.trainers.all()) == [tdt_teacher]
    assert timezone.localtime(session.starts_at).strftime("%H:%M") == "15:30"
    assert session.ends_at - session.starts_at == datetime.timedelta(minutes=60)
    assert session.modules.get().slug == "g"
    assert session.title.startswith("Teambijeenkomst: ")


def test_nobody_plans_for_another_school(tdt_teacher, regenboog, guide, year):
    url = "/leren/team/bijeenkomst-plannen/"
    client, token = csrf_client(tdt_teacher, url)
    response = _plan(client, token, guide, regenboog)
    assert response.status_code == 200
    assert Session.objects.count() == 0
    with pytest.raises(Exception) as exc:
        team_sessions.team_session_plan(
            by=tdt_teacher,
            unit=regenboog,
            guide=guide,
            starts_at=timezone.now() + datetime.timedelta(days=1),
            minutes=60,
            location="x",
        )
    assert exc.type.__name__ == "PermissionDenied"
    assert Session.objects.count() == 0


def test_teacher_cannot_plan_and_bad_input_changes_nothing(
    teacher, tdt_teacher, zonnebloem, guide, year
):
    client = Client()
    client.force_login(teacher)
    assert client.get("/leren/team/bijeenkomst-plannen/").status_code == 404
    client, token = csrf_client(tdt_teacher, "/leren/team/bijeenkomst-plannen/")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = _plan(client, token, guide, zonnebloem, date=yesterday)
    assert response.status_code == 200
    assert "in de toekomst" in unescape(response.content.decode())
    response = _plan(client, token, guide, zonnebloem, minutes="veel", title="a\nb")
    assert response.status_code == 200
    assert Session.objects.count() == 0


# --- invitations ------------------------------------------------------------------------


@pytest.fixture
def planned(tdt_teacher, zonnebloem, guide, year):
    return team_sessions.team_session_plan(
        by=tdt_teacher,
        unit=zonnebloem,
        guide=guide,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        minutes=60,
        location="Teamkamer",
    )


def _ics(message):
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".ics")
    return icalendar.Calendar.from_ical(content), mimetype


def test_inviting_mails_the_whole_team_once_with_a_calendar_request(
    planned, tdt_teacher, teacher, director, zonnebloem, django_capture_on_commit_callbacks
):
    url = f"/leren/bijeenkomsten/{planned.pk}/"
    client, token = csrf_client(tdt_teacher, url)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}uitnodigen/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (tdt_teacher, teacher, director)
    )
    calendar, mimetype = _ics(mail.outbox[0])
    assert "method=REQUEST" in mimetype
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == f"glans-session-{planned.pk}@127.0.0.1"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert calendar.walk("VTIMEZONE")
    assert f"/leren/bijeenkomsten/{planned.pk}/" in mail.outbox[0].body

    # Inviting again reaches only who joined the team since.
    newcomer = person("nieuw.zonnebloem", unit=zonnebloem, roles=["learner"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}uitnodigen/", {"csrfmiddlewaretoken": token})
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].to == [newcomer.email]
    assert str(_ics(mail.outbox[-1])[0].walk("VEVENT")[0]["UID"]) == str(event["UID"])


def test_a_teacher_cannot_invite_the_team(planned, teacher, django_capture_on_commit_callbacks):
    url = f"/leren/bijeenkomsten/{planned.pk}/"
    client, token = csrf_client(teacher, url)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}uitnodigen/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 404
    assert mail.outbox == []


# --- the team's attendance ----------------------------------------------------------------


@pytest.fixture
def running(planned):
    Session.objects.filter(pk=planned.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    return Session.objects.select_related("programme").get(pk=planned.pk)


def test_attendance_lists_the_whole_team_and_everyone_present_marks_all_but_oneself(
    running, tdt_teacher, teacher, director, django_capture_on_commit_callbacks
):
    url = f"/leren/bijeenkomsten/{running.pk}/teamaanwezigheid/"
    client, token = csrf_client(tdt_teacher, url)
    page = unescape(client.get(url).content.decode())
    for user in (teacher, director):
        assert user.get_full_name() in page  # not registered, still on the list
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"csrfmiddlewaretoken": token, "action": "all_present"})
    assert response.status_code == 302
    marked = dict(SessionRegistration.objects.values_list("user__username", "attendance"))
    assert marked == {teacher.username: "present", director.username: "present"}
    assert mail.outbox == []  # registered in the room: no confirmation mail
    assert SessionRegistration.objects.filter(recorded_by=tdt_teacher).count() == 2

    # A per-person toggle; one's own row is refused.
    client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            f"attendance-{teacher.pk}": "absent",
            f"attendance-{director.pk}": "present",
        },
    )
    assert SessionRegistration.objects.get(user=teacher).attendance == "absent"
    response = client.post(
        url, {"csrfmiddlewaretoken": token, f"attendance-{tdt_teacher.pk}": "present"}
    )
    assert "eigen aanwezigheid" in " ".join(flash(response))
    assert not SessionRegistration.objects.filter(user=tdt_teacher).exists()


def test_team_attendance_before_the_start_changes_nothing(planned, tdt_teacher, teacher):
    url = f"/leren/bijeenkomsten/{planned.pk}/teamaanwezigheid/"
    client, token = csrf_client(tdt_teacher, url)
    response = client.post(url, {"csrfmiddlewaretoken": token, "action": "all_present"})
    assert response.status_code == 200
    assert "pas vanaf het begin" in unescape(response.content.decode())
    assert SessionRegistration.objects.count() == 0


def test_another_school_and_a_teacher_do_not_get_the_team_list(running, other_director, teacher):
    url = f"/leren/bijeenkomsten/{running.pk}/teamaanwezigheid/"
    for user in (other_director, teacher):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_an_invalid_attendance_value_changes_nothing(running, tdt_teacher, teacher):
    url = f"/leren/bijeenkomsten/{running.pk}/teamaanwezigheid/"
    client, token = csrf_client(tdt_teacher, url)
    response = client.post(url, {"csrfmiddlewaretoken": token, f"attendance-{teacher.pk}": "zz"})
    assert response.status_code == 200
    assert SessionRegistration.objects.count() == 0


# --- presenter view ---------------------------------------------------------------------


def test_presenter_view_shows_the_timeline_to_who_may_read_trainer_notes(
    guide, tdt_teacher, teacher
):
    url = f"/leren/les/{guide.pk}/presenteren/"
    client = Client()
    client.force_login(tdt_teacher)
    page = client.get(url).content.decode()
    assert "Oefenen in drietallen" in page
    assert '"minutes": 35' in page
    assert "presenter.js" in page
    client.force_login(teacher)
    assert client.get(url).status_code == 404
    first = LessonPage.objects.get(slug="eerste-les")
    client.force_login(tdt_teacher)
    assert client.get(f"/leren/les/{first.pk}/presenteren/").status_code == 404


def test_guide_page_offers_planning_and_presenting_to_team_leads(guide, tdt_teacher, teacher):
    client = Client()
    client.force_login(tdt_teacher)
    page = client.get(guide.url).content.decode()
    assert f"/leren/team/bijeenkomst-plannen/?handleiding={guide.pk}" in page
    assert f"/leren/les/{guide.pk}/presenteren/" in page
    client.force_login(teacher)
    assert "presenteren" not in client.get(guide.url).content.decode()


# --- calendar ---------------------------------------------------------------------------


def test_confirmation_carries_an_ics_and_a_link(
    learner, programme, django_capture_on_commit_callbacks
):
    session = make_session(programme, starts_in=datetime.timedelta(days=5), kind="online")
    with django_capture_on_commit_callbacks(execute=True):
        services.session_register(user=learner, session=session)
    (message,) = mail.outbox
    assert f"/leren/bijeenkomsten/{session.pk}/" in message.body
    calendar, mimetype = _ics(message)
    assert calendar["METHOD"] == "PUBLISH"
    event = calendar.walk("VEVENT")[0]
    assert event["SUMMARY"] == session.title
    assert event.decoded("DTSTART") == timezone.localtime(session.starts_at).replace(microsecond=0)


def test_personal_feed_shows_only_the_owners_sessions_and_a_reset_kills_the_old_url(
    learner, other_teacher, programme
):
    mine = make_session(programme, title="Mijn bijeenkomst", starts_in=datetime.timedelta(days=2))
    theirs = make_session(programme, title="Van een ander", starts_in=datetime.timedelta(days=2))
    register(learner, mine)
    register(other_teacher, theirs)
    client, token = csrf_client(learner, "/leren/mijn-leerroute/")
    client.post("/leren/mijn-leerroute/agenda/", {"csrfmiddlewaretoken": token, "action": "reset"})
    page = client.get("/leren/mijn-leerroute/").content.decode()
    feed_url = page.split('id="feed-url"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    # A copy button and a webcal: link to subscribe in one click (#25).
    assert 'data-copy="#feed-url"' in page
    assert f'href="webcal://{feed_url.split("://", 1)[1]}"' in page
    path = feed_url.split("127.0.0.1:8000", 1)[-1]
    anonymous = Client()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    summaries = [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]
    assert summaries == ["Mijn bijeenkomst"]

    client.post("/leren/mijn-leerroute/agenda/", {"csrfmiddlewaretoken": token, "action": "reset"})
    assert anonymous.get(path).status_code == 404
    client.post("/leren/mijn-leerroute/agenda/", {"csrfmiddlewaretoken": token, "action": "stop"})
    assert "feed-url" not in client.get("/leren/mijn-leerroute/").content.decode()
    assert anonymous.get("/leren/agenda/.ics").status_code == 404


def test_session_page_is_only_for_who_may_see_the_session(
    programme, zonnebloem, teacher, other_teacher
):
    session = make_session(programme, unit=zonnebloem, starts_in=datetime.timedelta(days=2))
    client = Client()
    client.force_login(teacher)
    page = client.get(f"/leren/bijeenkomsten/{session.pk}/")
    assert page.status_code == 200
    assert "Aanmelden" in page.content.decode()
    ics = client.get(f"/leren/bijeenkomsten/{session.pk}/agenda.ics")
    assert icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    client.force_login(other_teacher)
    assert client.get(f"/leren/bijeenkomsten/{session.pk}/").status_code == 404
    assert client.get("/leren/bijeenkomsten/abc/").status_code == 404


# --- logbook ----------------------------------------------------------------------------


def test_logbook_shows_the_learners_own_reflections_and_assignments(
    learner, other_teacher, programme, django_assert_max_num_queries
):
    from tests.courses.test_progress_support import lesson

    first = lesson("eerste-les")
    ids = {a["kind"]: a["id"] for a in first.activity_summary}
    services.activity_submit(
        user=learner, lesson=first, block_id=ids["reflection"], answer="Mijn eigen gedachte hier."
    )
    services.activity_submit(
        user=learner, lesson=first, block_id=ids["assignment"], answer="Zo deed ik de opdracht."
    )
    ActivityResponse.objects.create(
        user=other_teacher,
        lesson=first,
        block_id=ids["reflection"],
        kind="reflection",
        answer_text="Geheim van een ander",
    )
    client = Client()
    client.force_login(learner)
    with django_assert_max_num_queries(12):
        page = client.get("/leren/mijn-leerroute/logboek/").content.decode()
    assert "Mijn eigen gedachte hier." in page
    assert "Zo deed ik de opdracht." in page
    assert "Wat neem je mee?" in page  # the question
    assert programme.title in page
    assert "Geheim van een ander" not in page
    assert Client().get("/leren/mijn-leerroute/logboek/").status_code == 302


def test_logbook_as_pdf_holds_only_the_learners_answers(learner, programme):
    from tests.courses.test_progress_support import lesson

    first = lesson("eerste-les")
    reflection = next(a["id"] for a in first.activity_summary if a["kind"] == "reflection")
    services.activity_submit(
        user=learner, lesson=first, block_id=reflection, answer="Mijn eigen gedachte hier."
    )
    client = Client()
    client.force_login(learner)
    assert "?pdf=1" in client.get("/leren/mijn-leerroute/logboek/").content.decode()
    response = client.get("/leren/mijn-leerroute/logboek/?pdf=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_session_list_links_each_session_and_offers_planning_to_team_leads(
    planned, tdt_teacher, teacher
):
    client = Client()
    client.force_login(tdt_teacher)
    page = client.get("/leren/bijeenkomsten/").content.decode()
    assert f'href="/leren/bijeenkomsten/{planned.pk}/"' in page
    assert 'href="/leren/team/bijeenkomst-plannen/"' in page
    assert f"/leren/bijeenkomsten/{planned.pk}/teamaanwezigheid/" in page
    client.force_login(teacher)
    page = client.get("/leren/bijeenkomsten/").content.decode()
    assert f'href="/leren/bijeenkomsten/{planned.pk}/"' in page
    assert "bijeenkomst-plannen" not in page
