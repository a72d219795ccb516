"""Issue #25, numbers that agree: the sessions a learner attended count the same on their own
route, in the team's view, in the API and toward completion: every official session of the
programme they were present at, also one they can no longer see (a session of the school they
left). The demo's kick-off, with hours earned for it, counts too."""

import io

from django.core.management import call_command
from django.test import Client

from glans_learning.courses import selectors, services
from glans_learning.courses.models import Attendance, ProgrammePage
from tests.courses.test_progress_support import make_session, register, set_page


def test_attended_sessions_count_the_same_everywhere(teacher, zonnebloem, regenboog, programme):
    programme = set_page(programme, required_session_count=2)
    services.enrol(user=teacher, programme=programme, by=teacher)
    here = make_session(programme, title="Aftrap")
    elsewhere = make_session(programme, title="Bij de vorige school", unit=regenboog)
    for session in (here, elsewhere):
        registration = register(teacher, session)
        registration.attendance = Attendance.PRESENT
        registration.save()
    own = selectors.programme_progress(user=teacher, programme=programme)
    [row] = selectors.team_progress(unit=zonnebloem, programme=programme)["rows"]
    client = Client()
    client.force_login(teacher)
    [api] = client.get("/api/v1/me/progress").json()
    assert own.sessions_attended == row["sessions_attended"] == api["sessions_attended"] == 2
    page = client.get("/leren/mijn-leerroute/").content.decode()
    assert "Bijeenkomsten bijgewoond: 2 van 2." in page


def test_demo_kickoff_counts_for_who_was_there(db, settings):
    settings.GLANS_ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    director = get_user_model().objects.get(username="directeur.zonnebloem")
    tdt = ProgrammePage.objects.get(audience="tdt")
    state = selectors.programme_progress(user=director, programme=tdt)
    assert state.sessions_attended == 1
