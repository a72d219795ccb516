"""The learner's 'Mijn leerroute', the team dashboard with filters, stall flags and exports,
and the reminder task."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone

from glans_learning.core.models import SentNotification
from glans_learning.courses import services
from glans_learning.courses.models import (
    Enrollment,
    LearnerPreference,
    ReminderSettings,
)
from glans_learning.courses.tasks import send_reminders
from tests.courses.test_progress_support import (
    answer_all,
    complete_module_g,
    lesson,
    make_session,
    previous_year,
    register,
)
from tests.factories import log_in

TEAM = "/leren/team/"
MY_ROUTE = "/leren/mijn-leerroute/"


def name(user):
    return user.get_full_name() or user.username


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


# --- Mijn leerroute ----------------------------------------------------------------------


def test_my_route_shows_programme_percent_and_next_step(client, learner, programme):
    first = lesson("eerste-les")
    services.lesson_open(user=learner, lesson=first)
    answer_all(learner, first)
    client.force_login(learner)
    response = client.get(MY_ROUTE)
    assert response.status_code == 200
    [state] = response.context["states"]
    assert state.programme.pk == programme.pk
    assert state.percent == 50
    assert state.next_lesson.pk == lesson("tweede-les").pk
    html = response.content.decode()
    assert "Proefprogramma" in html
    assert "50% afgerond" in html
    assert "Volgende stap: Tweede les" in html
    assert lesson("tweede-les").url in html
    assert "Rond de module af: G – Proefmodule" in html


def test_my_route_of_a_completed_programme_shows_100_percent(client, learner):
    complete_module_g(learner)
    client.force_login(learner)
    response = client.get(MY_ROUTE)
    [state] = response.context["states"]
    assert (state.status, state.percent, state.open) == ("completed", 100, [])
    assert "100% afgerond" in response.content.decode()
    assert "Volgende stap" not in response.content.decode()


def test_my_route_offers_self_enrolment_when_not_enrolled(client, teacher, programme):
    client.force_login(teacher)
    response = client.get(MY_ROUTE)
    html = response.content.decode()
    assert response.context["states"] == []
    assert "Je bent nog niet ingeschreven voor een programma." in html
    assert f"/leren/programma/{programme.pk}/inschrijven/" in html


def test_my_route_needs_login(client, db):
    response = client.get(MY_ROUTE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_reminder_opt_out_and_back_in(client, learner):
    client.force_login(learner)
    response = client.post(MY_ROUTE, {})
    assert response.status_code == 302
    assert LearnerPreference.objects.get(user=learner).reminders_enabled is False
    assert client.get(MY_ROUTE).context["reminders_enabled"] is False
    client.post(MY_ROUTE, {"reminders": "on"})
    assert LearnerPreference.objects.get(user=learner).reminders_enabled is True
    assert LearnerPreference.objects.count() == 1


# --- team dashboard ----------------------------------------------------------------------


@pytest.fixture
def team(
    programme, director, teacher, tdt_teacher, other_teacher, other_director, zonnebloem, regenboog
):
    """Teacher completed the module and attended a session; tdt_teacher is enrolled but has
    not started; a member of De Regenboog is enrolled there."""
    services.enrol(user=teacher, programme=programme, by=teacher)
    services.enrol_members(
        by=director, unit=zonnebloem, programme=programme, user_ids=[tdt_teacher.pk]
    )
    services.enrol_members(
        by=other_director, unit=regenboog, programme=programme, user_ids=[other_teacher.pk]
    )
    complete_module_g(teacher)
    session = make_session(programme, title="Startbijeenkomst")
    registration = register(teacher, session)
    registration.attendance = "present"
    registration.save()
    return {"session": session}


def team_url(unit, programme, **extra):
    params = {"unit": unit.pk, "programme": programme.pk, **extra}
    return TEAM + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def row_for(response, user):
    return next(r for r in response.context["matrix"]["rows"] if r["user"] == user)


@pytest.mark.parametrize("who", ["director", "academy_trainer", "tdt_teacher"])
def test_team_dashboard_shows_own_members_with_status_and_attendance(
    client, request, team, programme, zonnebloem, teacher, tdt_teacher, other_teacher, who
):
    log_in(client, request.getfixturevalue(who))
    response = client.get(team_url(zonnebloem, programme))
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert {r["user"] for r in matrix["rows"]} == {teacher, tdt_teacher}
    done = row_for(response, teacher)
    assert [c["status"] for c in done["cells"]] == ["completed"]
    assert (done["cells"][0]["done"], done["cells"][0]["total"]) == (2, 2)
    assert done["percent"] == 100
    assert done["completed_at"] is not None
    assert [r.attendance for r in done["sessions"]] == ["present"]
    fresh = row_for(response, tdt_teacher)
    assert [c["status"] for c in fresh["cells"]] == ["not_started"]
    assert fresh["percent"] == 0
    assert fresh["sessions"] == [None]
    html = response.content.decode()
    assert name(teacher) in html
    assert name(tdt_teacher) in html
    assert "✓ afgerond" in html
    assert "niet begonnen" in html
    assert "aanwezig" in html
    assert name(other_teacher) not in html


def test_team_dashboard_defaults_to_the_own_unit(client, team, director, teacher, zonnebloem):
    client.force_login(director)
    response = client.get(TEAM)
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["unit"] == zonnebloem
    assert teacher in {r["user"] for r in response.context["matrix"]["rows"]}


def test_other_director_never_sees_zonnebloem(
    client, team, programme, zonnebloem, other_director, teacher, tdt_teacher, other_teacher
):
    client.force_login(other_director)
    response = client.get(team_url(zonnebloem, programme))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert response.context["matrix"] is None
    html = response.content.decode()
    assert name(teacher) not in html
    assert name(tdt_teacher) not in html
    assert "De Zonnebloem" not in html
    for fmt in ("csv", "xlsx"):
        export = client.get(team_url(zonnebloem, programme, export=fmt))
        assert export["Content-Type"].startswith("text/html")
        assert name(teacher) not in export.content.decode()
    own = client.get(TEAM)
    assert {r["user"] for r in own.context["matrix"]["rows"]} == {other_teacher}


@pytest.mark.parametrize("who", ["teacher", "auditor", "other_teacher"])
def test_team_dashboard_is_404_without_a_team(client, request, team, programme, zonnebloem, who):
    log_in(client, request.getfixturevalue(who))
    assert client.get(TEAM).status_code == 404
    assert client.get(team_url(zonnebloem, programme)).status_code == 404
    assert client.get(team_url(zonnebloem, programme, export="csv")).status_code == 404


def test_team_dashboard_needs_login(client, db):
    assert client.get(TEAM).status_code == 302


@pytest.mark.parametrize("bad", ["abc", "0", "99999999", "99999999999999999999999"])
def test_team_dashboard_with_malformed_filters_shows_no_data(
    client, team, director, programme, zonnebloem, teacher, bad
):
    client.force_login(director)
    for url in (
        team_url(zonnebloem, programme, school_year=bad),
        f"{TEAM}?unit={bad}&programme={programme.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["matrix"] is None
        assert name(teacher) not in response.content.decode()


def test_csv_export_has_the_member_rows(client, team, director, programme, zonnebloem, teacher):
    client.force_login(director)
    response = client.get(team_url(zonnebloem, programme, export="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="voortgang-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *body = rows
    assert header[:4] == ["Naam", "E-mail", "Schooljaar", "G – Proefmodule"]
    assert header[-5:] == [
        "Voortgang (%)",
        "Nog open",
        "Afgerond op",
        "Laatste activiteit",
        "Vastgelopen",
    ]
    by_email = {row[1]: row for row in body}
    assert set(by_email) == {
        "leraar.zonnebloem@example.invalid",
        "trainer.zonnebloem@example.invalid",
    }
    done = by_email[teacher.email]
    assert done[0] == name(teacher)
    assert done[2] == "cur"
    assert done[3] == "afgerond (2/2)"
    assert done[4] == "aanwezig"
    assert done[5] == "100"
    assert done[6] == ""
    assert done[7] == timezone.localdate().strftime("%d-%m-%Y")
    assert done[-1] == "nee"


def test_xlsx_export_has_the_member_rows(client, team, director, programme, zonnebloem, teacher):
    from openpyxl import load_workbook

    client.force_login(director)
    response = client.get(team_url(zonnebloem, programme, export="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *body = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("Naam", "E-mail", "Schooljaar")
    emails = sorted(row[1] for row in body)
    assert emails == ["leraar.zonnebloem@example.invalid", "trainer.zonnebloem@example.invalid"]
    done = next(row for row in body if row[1] == teacher.email)
    assert done[3] == "afgerond (2/2)"
    assert done[4] == "aanwezig"
    assert int(done[5]) == 100


def test_unknown_export_format_shows_the_page(client, team, director, programme, zonnebloem):
    client.force_login(director)
    response = client.get(team_url(zonnebloem, programme, export="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_school_year_filter_narrows_the_rows(
    client, programme, director, teacher, tdt_teacher, zonnebloem, year
):
    old = previous_year()
    services.enrol(user=teacher, programme=programme, by=director, unit=zonnebloem, school_year=old)
    services.enrol(user=tdt_teacher, programme=programme, by=director, unit=zonnebloem)
    client.force_login(director)
    everybody = client.get(team_url(zonnebloem, programme))
    assert {r["user"] for r in everybody.context["matrix"]["rows"]} == {teacher, tdt_teacher}
    current = client.get(team_url(zonnebloem, programme, school_year=year.pk))
    assert {r["user"] for r in current.context["matrix"]["rows"]} == {tdt_teacher}
    past = client.get(team_url(zonnebloem, programme, school_year=old.pk, export="csv"))
    body = list(csv.reader(io.StringIO(past.content.decode("utf-8-sig")), delimiter=";"))[1:]
    assert [row[1] for row in body] == [teacher.email]
    assert body[0][2] == "vorig"


def test_role_filter_narrows_the_rows(
    client, programme, director, teacher, tdt_teacher, zonnebloem
):
    services.enrol_members(
        by=director,
        unit=zonnebloem,
        programme=programme,
        user_ids=[teacher.pk, tdt_teacher.pk, director.pk],
    )
    client.force_login(director)

    def users(role):
        response = client.get(team_url(zonnebloem, programme, role=role))
        return {r["user"] for r in response.context["matrix"]["rows"]}

    assert users("") == {teacher, tdt_teacher, director}
    assert users("tdt_participant") == {tdt_teacher, director}
    assert users("learner") == {teacher, tdt_teacher}
    assert users("director") == {director}
    assert users("ib") == set()


def test_stalled_enrolments_are_flagged(
    client, programme, director, teacher, tdt_teacher, other_teacher, zonnebloem
):
    services.enrol_members(
        by=director, unit=zonnebloem, programme=programme, user_ids=[teacher.pk, tdt_teacher.pk]
    )
    Enrollment.objects.filter(user=teacher).update(last_activity_at=days_ago(15))
    Enrollment.objects.filter(user=tdt_teacher).update(last_activity_at=days_ago(13))
    client.force_login(director)
    response = client.get(team_url(zonnebloem, programme))
    assert row_for(response, teacher)["stalled"] is True
    assert row_for(response, tdt_teacher)["stalled"] is False
    assert response.context["matrix"]["stall_days"] == 14
    html = response.content.decode()
    assert html.count("vastgelopen</span>") == 1

    settings_ = ReminderSettings.load()
    settings_.stall_days = 30
    settings_.save()
    response = client.get(team_url(zonnebloem, programme))
    assert row_for(response, teacher)["stalled"] is False


def test_enrolment_without_any_activity_stalls_from_its_creation(
    client, programme, director, teacher, zonnebloem
):
    services.enrol_members(by=director, unit=zonnebloem, programme=programme, user_ids=[teacher.pk])
    Enrollment.objects.filter(user=teacher).update(created_at=days_ago(20))
    client.force_login(director)
    response = client.get(team_url(zonnebloem, programme))
    assert row_for(response, teacher)["stalled"] is True
    export = client.get(team_url(zonnebloem, programme, export="csv"))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][-1] == "ja"


def test_completed_enrolment_is_never_stalled(client, programme, director, learner, zonnebloem):
    complete_module_g(learner)
    Enrollment.objects.filter(user=learner).update(last_activity_at=days_ago(100))
    client.force_login(director)
    response = client.get(team_url(zonnebloem, programme))
    assert row_for(response, learner)["stalled"] is False


# --- reminders ---------------------------------------------------------------------------


def test_stalled_learner_gets_one_reminder(learner, programme):
    Enrollment.objects.filter(user=learner).update(last_activity_at=days_ago(20))
    assert send_reminders() == {"stalled": 1, "session": 0}
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "Ga je verder met Proefprogramma?"
    assert "14 dagen" in message.body
    assert send_reminders() == {"stalled": 0, "session": 0}
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(user=learner, kind="stalled").count() == 1


def test_a_stalled_reminder_that_failed_is_sent_by_the_next_run(learner, monkeypatch):
    """The mail server is down: nothing is recorded and other learners are not stopped; the
    next daily run sends it, once (core.notifications.notify_once)."""
    import smtplib

    from glans_learning.courses import reminders

    Enrollment.objects.filter(user=learner).update(last_activity_at=days_ago(20))

    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(reminders, "send_mail", down)
    assert send_reminders() == {"stalled": 0, "session": 0}
    assert not SentNotification.objects.exists()
    monkeypatch.undo()
    assert send_reminders() == {"stalled": 1, "session": 0}
    assert send_reminders() == {"stalled": 0, "session": 0}
    assert len(mail.outbox) == 1


def test_active_learner_gets_no_reminder(learner):
    services.lesson_open(user=learner, lesson=lesson("eerste-les"))
    Enrollment.objects.filter(user=learner).update(created_at=days_ago(60))
    assert send_reminders() == {"stalled": 0, "session": 0}
    assert mail.outbox == []


def test_learner_who_stalls_again_later_gets_a_new_reminder(learner):
    Enrollment.objects.filter(user=learner).update(last_activity_at=days_ago(40))
    send_reminders()
    Enrollment.objects.filter(user=learner).update(last_activity_at=days_ago(20))
    send_reminders()
    send_reminders()
    assert len(mail.outbox) == 2


def test_opted_out_learner_gets_no_reminders(client, learner, programme):
    client.force_login(learner)
    client.post(MY_ROUTE, {})  # reminders switched off
    Enrollment.objects.filter(user=learner).update(last_activity_at=days_ago(20))
    session = make_session(programme, starts_in=datetime.timedelta(days=1))
    register(learner, session)
    assert send_reminders() == {"stalled": 0, "session": 0}
    assert mail.outbox == []
    assert not SentNotification.objects.exists()


def test_completed_programme_gets_no_stall_reminder(learner):
    complete_module_g(learner)
    Enrollment.objects.filter(user=learner).update(last_activity_at=days_ago(20))
    assert send_reminders()["stalled"] == 0
    assert mail.outbox == []


def test_withdrawn_enrolment_gets_no_stall_reminder(learner):
    Enrollment.objects.filter(user=learner).update(
        last_activity_at=days_ago(20), status=Enrollment.Status.WITHDRAWN
    )
    assert send_reminders()["stalled"] == 0
    assert mail.outbox == []


def test_session_reminder_is_sent_once(learner, teacher, tdt_teacher, programme):
    soon = make_session(programme, title="Terugkomdag", starts_in=datetime.timedelta(days=1))
    later = make_session(programme, title="Later", starts_in=datetime.timedelta(days=5))
    past = make_session(programme, title="Voorbij", starts_in=datetime.timedelta(days=-1))
    for session in (soon, later, past):
        register(learner, session)
    assert send_reminders() == {"stalled": 0, "session": 1}
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "Binnenkort: Terugkomdag"
    assert "Utrecht" in message.body
    assert send_reminders() == {"stalled": 0, "session": 0}
    assert len(mail.outbox) == 1
    # someone registering later still gets their own reminder, once
    register(tdt_teacher, soon)
    send_reminders()
    send_reminders()
    assert [m.to for m in mail.outbox] == [[learner.email], [tdt_teacher.email]]


def test_session_reminder_window_follows_the_settings(learner, programme):
    settings_ = ReminderSettings.load()
    settings_.session_days_before = 7
    settings_.save()
    register(learner, make_session(programme, starts_in=datetime.timedelta(days=5)))
    assert send_reminders()["session"] == 1
