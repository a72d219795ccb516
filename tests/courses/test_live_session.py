"""Issue #25: the team session runs from the projector — a short-lived code, "ik ben er" on a
phone (attendance only when the trainer confirms), anonymous calibration answers and their
spread on the projector."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from glans_learning.courses import live_sessions, team_sessions
from glans_learning.courses.models import (
    CalibrationAnswer,
    LessonPage,
    LiveCheckIn,
    Session,
    SessionRegistration,
)
from tests.courses import test_team_sessions as team
from tests.courses.test_trust import csrf_client

GUIDE = (
    team.TIMELINE
    + """
## Kalibratiecases

1. Je zwaait elke ochtend naar de ouder; gesproken hebben jullie elkaar nog niet.
2. De ouder belde twee keer en beide keren liep het vlot.

(Bedoeling: 1 is neutraal, 2 glanst.)
"""
)


@pytest.fixture
def live_guide(loaded_fixture):
    from glans_learning.content.material import parse_body

    page = LessonPage.objects.get(slug="tweede-les")
    page.body = parse_body(GUIDE, "test.md")
    page.save()
    return page


@pytest.fixture
def live(tdt_teacher, zonnebloem, live_guide, year):
    session = team_sessions.team_session_plan(
        by=tdt_teacher,
        unit=zonnebloem,
        guide=live_guide,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        minutes=60,
        location="Teamkamer",
    )
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    return Session.objects.select_related("programme", "guide").get(pk=session.pk)


def test_presenter_shows_code_and_qr_and_a_phone_checks_in_and_answers_anonymously(
    live, live_guide, tdt_teacher, teacher
):
    presenter = Client()
    presenter.force_login(tdt_teacher)
    html = presenter.get(f"/leren/les/{live_guide.pk}/presenteren/?bijeenkomst={live.pk}")
    html = html.content.decode()
    code = live.live_codes.get().code
    assert code in html and "<svg" in html and "live.js" in html

    phone, token = csrf_client(teacher, f"/leren/erbij/{code}/")
    url = f"/leren/erbij/{code}/"
    phone.post(url, {"csrfmiddlewaretoken": token, "action": "checkin"})
    checkin = LiveCheckIn.objects.get(session=live, user=teacher)
    # Saying "ik ben er" is not attendance.
    assert not SessionRegistration.objects.filter(session=live, user=teacher).exists()
    page = phone.get(url).content.decode()
    assert "gesproken hebben jullie elkaar nog niet" in page
    assert "Bedoeling" not in page  # the intended answers stay with the trainer
    phone.post(
        url, {"csrfmiddlewaretoken": token, "action": "answer", "case": "1", "value": "neutral"}
    )
    phone.post(
        url, {"csrfmiddlewaretoken": token, "action": "answer", "case": "1", "value": "positive"}
    )
    assert list(CalibrationAnswer.objects.values_list("case", "value")) == [(1, "neutral")]
    assert not any(f.name == "user" for f in CalibrationAnswer._meta.fields)  # anonymous
    checkin.refresh_from_db()
    assert checkin.answered == [1]

    state = presenter.get(f"/leren/bijeenkomsten/{live.pk}/live/").json()
    assert state["checked_in"] == 1 and state["confirmed"] == 0
    assert state["cases"][0]["answers"][1] == {"value": "neutral", "label": "neutraal", "n": 1}
    assert "teacher" not in str(state) and teacher.username not in str(state)

    # The trainer confirms: attendance through the attendance rules.
    client, token = csrf_client(
        tdt_teacher, f"/leren/les/{live_guide.pk}/presenteren/?bijeenkomst={live.pk}"
    )
    client.post(
        f"/leren/bijeenkomsten/{live.pk}/live/bevestigen/",
        {"csrfmiddlewaretoken": token, "user": [str(teacher.pk)]},
    )
    assert SessionRegistration.objects.get(session=live, user=teacher).attendance == "present"


def test_no_self_certified_attendance_and_no_strangers(live, tdt_teacher, teacher, other_teacher):
    code = live_sessions.live_code_start(by=tdt_teacher, session=live).code
    with pytest.raises(PermissionDenied):  # a colleague cannot confirm anyone
        live_sessions.live_confirm(by=teacher, session=live, user_ids=[teacher.pk])
    with pytest.raises(ValidationError):  # another school's teacher is not on the list
        live_sessions.live_checkin(user=other_teacher, code=code)
    client = Client()
    client.force_login(teacher)
    assert client.get(f"/leren/bijeenkomsten/{live.pk}/live/").status_code == 404
    assert not SessionRegistration.objects.filter(session=live, attendance="present").exists()


def test_expired_or_unknown_code_changes_nothing(live, tdt_teacher, teacher):
    code = live_sessions.live_code_start(by=tdt_teacher, session=live)
    code.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    code.save()
    for value in (code.code, "NOPE12"):
        with pytest.raises(ValidationError):
            live_sessions.live_checkin(user=teacher, code=value)
    assert not LiveCheckIn.objects.exists()
