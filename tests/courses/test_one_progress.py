"""One definition of progress: the learner's own page, Team, its export and the API show the
same figure and the same 'what is still open' for the same person (#14 found 11% vs 0%)."""

import datetime

from django.utils import timezone

from glans_learning.courses import services
from glans_learning.courses.models import (
    Attendance,
    LessonProgress,
    LessonStatus,
    ProgrammePage,
    Session,
    SessionRegistration,
)
from tests.courses.test_progress_support import current_year


def _setup(teacher, director, loaded_fixture):
    current_year()
    programme = ProgrammePage.objects.get(slug="proef")
    programme.required_session_count = 2
    programme.save_revision().publish()
    programme.refresh_from_db()
    services.enrol(user=teacher, programme=programme, by=teacher)
    now = timezone.now()
    session = Session.objects.create(
        programme=programme,
        title="Startbijeenkomst",
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=2, hours=-2),
    )
    Session.objects.filter(pk=session.pk).update(is_official=True)
    SessionRegistration.objects.create(session=session, user=teacher, attendance=Attendance.PRESENT)
    LessonProgress.objects.create(
        user=teacher,
        lesson=loaded_fixture["lesson"],
        status=LessonStatus.IN_PROGRESS,
        first_visit_at=now,
        last_visit_at=now,
    )
    return programme


def test_same_person_same_percent_and_open_everywhere(
    client, teacher, director, zonnebloem, loaded_fixture
):
    programme = _setup(teacher, director, loaded_fixture)
    client.force_login(teacher)
    mine = client.get("/api/v1/me/progress").json()
    mine = next(p for p in mine if p["id"] == programme.pk)
    assert 0 < mine["percent"] < 100  # one of the sessions counts
    route = client.get("/leren/mijn-leerroute/").content.decode()
    assert f"{mine['percent']}% afgerond" in route

    client.force_login(director)
    query = f"?unit={zonnebloem.pk}&programme={programme.pk}"
    team = client.get(f"/leren/team/{query}").content.decode()
    assert f"{mine['percent']}%" in team
    for item in mine["open"]:
        assert item.replace("(", "").split(":")[0][:20] in team.replace("(", "")
    export = client.get(f"/leren/team/{query}&export=csv").content.decode("utf-8-sig")
    line = next(row for row in export.splitlines() if teacher.email in row)
    assert f";{mine['percent']};" in line
    api = client.get(f"/api/v1/organisations/{zonnebloem.pk}/progress?programme={programme.pk}")
    row = next(r for r in api.json()["rows"] if r["user_id"] == teacher.pk)
    assert row["percent"] == mine["percent"]
    assert row["open"] == mine["open"]
    assert row["status"] == mine["status"]


def test_team_export_on_first_use_returns_a_file(client, teacher, director, loaded_fixture):
    _setup(teacher, director, loaded_fixture)
    client.force_login(director)
    for fmt, check in (
        ("csv", lambda r: r["Content-Type"].startswith("text/csv")),
        ("xlsx", lambda r: r.content[:2] == b"PK"),
    ):
        response = client.get(f"/leren/team/?&export={fmt}")
        assert response.status_code == 200 and check(response), fmt
    assert teacher.email in client.get("/leren/team/?&export=csv").content.decode("utf-8-sig")
