"""`make demo`: the demo data seeds once and again without duplicates, and the walk-through
promised in the README works with the published demo logins."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory

from glans_learning.courses.models import (
    Enrollment,
    LessonPage,
    LessonProgress,
    ProgrammePage,
    Session,
)
from glans_learning.organisations.models import Membership, OrganisationUnit

PASSWORD = "glans-demo"  # the demo password published in the README


@pytest.fixture
def demo(db, settings):
    settings.GLANS_ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=io.StringIO())
    return {
        "zonnebloem": OrganisationUnit.objects.get(name="De Zonnebloem"),
        "workshop": ProgrammePage.objects.get(audience="workshop"),
        "tdt": ProgrammePage.objects.get(audience="tdt"),
    }


def login(username):
    client = Client()
    # django-axes checks every login against the request's address.
    request = RequestFactory().post("/accounts/login/")
    assert client.login(request=request, username=username, password=PASSWORD), username
    return client


def test_demo_data_refuses_without_debug(db, settings):
    settings.DEBUG = False
    settings.GLANS_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="beheerder").exists()


def test_demo_data_is_idempotent(demo):
    def counts():
        return [
            model.objects.count()
            for model in (
                get_user_model(),
                Membership,
                OrganisationUnit,
                Session,
                Enrollment,
                LessonPage,
                LessonProgress,
            )
        ]

    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before


def test_demo_walkthrough(demo):
    zonnebloem, workshop = demo["zonnebloem"], demo["workshop"]
    teacher = login("leraar.zonnebloem")

    # The teacher is half-way the yearly workshop: half its lessons completed, for real.
    lessons = list(LessonPage.objects.live().descendant_of(workshop).order_by("path"))
    half = len(lessons) // 2
    assert (
        LessonProgress.objects.filter(
            user__username="leraar.zonnebloem", lesson__in=lessons, status="completed"
        ).count()
        == half
    )
    route = teacher.get("/leren/mijn-leerroute/").content.decode()
    assert workshop.title in route and "bezig" in route
    assert f"{round(100 * half / len(lessons))}% afgerond" in route
    # She works on through the next lesson.
    assert teacher.get(lessons[half].url).status_code == 200
    assert teacher.get("/api/v1/me/progress").json()[0]["status"] == "in_progress"

    # The director sees it on the team dashboard and can export it.
    director = login("directeur.zonnebloem")
    query = f"?unit={zonnebloem.pk}&programme={workshop.pk}"
    dashboard = director.get(f"/leren/team/{query}").content.decode()
    assert "Jansen" in dashboard and "bezig" in dashboard
    # The percentage, followed by what is still open (a folded list) in the same cell.
    assert f"<td>{round(100 * half / len(lessons))}%<" in dashboard
    export = director.get(f"/leren/team/{query}&export=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert "Lotte Jansen" in export.content.decode()
    xlsx = director.get(f"/leren/team/{query}&export=xlsx")
    assert xlsx.content[:2] == b"PK"  # an XLSX file is a zip archive

    # A teacher of another school sees nothing of De Zonnebloem.
    other = login("leraar.regenboog")
    assert other.get(f"/leren/team/{query}").status_code == 404
    assert (
        other.get(
            f"/api/v1/organisations/{zonnebloem.pk}/progress?programme={workshop.pk}"
        ).status_code
        == 404
    )
    assert other.get(f"/api/v1/organisations/{zonnebloem.pk}/members").status_code == 404
    assert "Jansen" not in other.get("/leren/mijn-leerroute/").content.decode()
    assert "Zonnebloem" not in other.get("/leren/bijeenkomsten/").content.decode()


def test_team_progress_api_refuses_bad_programme_ids(demo):
    director = login("directeur.zonnebloem")
    url = f"/api/v1/organisations/{demo['zonnebloem'].pk}/progress?programme="
    for value in ["99999999999999999999999", "-1", "abc", "1.5", ""]:
        response = director.get(url + value)
        assert response.status_code in (404, 422), (value, response.content)
        assert response["Content-Type"].startswith("application/json"), value


def test_demo_measurement_walkthrough(demo):
    """leraar.zonnebloem rates their group; the director sees it; the board sees no codes."""
    import json

    from glans_learning.measurement.models import MeasurementMoment, Rating, Relationship

    zonnebloem = demo["zonnebloem"]
    assert Relationship.objects.filter(unit=zonnebloem).count() >= 3 * 190
    teacher = login("leraar.zonnebloem")
    from django.utils import timezone

    today = timezone.localdate()
    moment = MeasurementMoment.objects.get(
        unit=zonnebloem, opens_on__lte=today, closes_on__gte=today
    )
    items = teacher.get(f"/api/v1/measurements/{moment.pk}/relationships").json()
    assert len(items) == 25
    response = teacher.put(
        f"/api/v1/measurements/{moment.pk}/ratings",
        data=json.dumps(
            {"ratings": [{"relationship": items[0]["relationship"], "rating": "positive"}]}
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    director = login("directeur.zonnebloem")
    assert director.get(f"/meten/school/{zonnebloem.pk}/").status_code == 200
    board = login("expertgroep.bestuur")
    page = board.get(f"/meten/bestuur/{zonnebloem.board_id}/").content.decode()
    assert "De Zonnebloem" in page and items[0]["relationship"] not in page
    assert Rating.objects.filter(moment__unit=zonnebloem).count() > 2000
    other = login("leraar.regenboog")
    assert other.get(f"/meten/school/{zonnebloem.pk}/").status_code == 404
    assert other.get(f"/api/v1/measurements/{moment.pk}/relationships").status_code == 404


def test_demo_admin_and_auditor_get_past_two_factor_with_a_printed_code(db, settings):
    settings.GLANS_ALLOW_DEMO_DATA = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = {
        line.split(" for ")[1].split(" ")[0]: line.rsplit(": ", 1)[1].split()
        for line in out.getvalue().splitlines()
        if line.startswith("Two-factor backup codes for ")
    }
    assert set(printed) == {"beheerder", "auditor"}
    for username, codes in printed.items():
        client = login(username)
        response = client.get("/admin/")
        assert response.status_code == 302 and "/accounts/tweestaps/" in response["Location"]
        page = client.get(response["Location"]).content.decode()
        # They already have a factor (the printed codes): asked for a code, never offered to
        # set up a new app with the password alone (issue #23) …
        assert "Tweestapsverificatie instellen" not in page
        assert 'name="token"' in page
        response = client.post(
            "/accounts/tweestaps/", {"token": codes[0], "next": "/admin/"}
        )  # … and the printed code gets past it
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_learner_is_locked_out_after_ten_wrong_passwords(demo):
    client = Client(enforce_csrf_checks=True)
    for attempt in range(10):
        client.get("/accounts/login/")
        response = client.post(
            "/accounts/login/",
            {
                "username": "leraar.zonnebloem",
                "password": "verkeerd",
                "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            },
        )
        assert response.status_code == (429 if attempt == 9 else 200)
    assert "Je kunt tijdelijk niet inloggen" in response.content.decode()


def test_demo_director_holds_tdt_certificate_and_points(demo):
    from glans_learning.credentials.models import Certificate, PointsEntry

    director = get_user_model().objects.get(username="directeur.zonnebloem")
    certificate = Certificate.objects.get(user=director, programme_key=demo["tdt"].pk)
    assert certificate.pdf and certificate.credential_jwt and not certificate.is_revoked
    registers = set(
        PointsEntry.objects.filter(user=director).values_list("register__name", flat=True)
    )
    assert "Schoolleidersregister PO" in registers
    client = login("directeur.zonnebloem")
    assert client.get("/api/v1/me/certificates").json()[0]["programme"] == demo["tdt"].title
    # Seeding again adds nothing.
    entries = PointsEntry.objects.filter(user=director).count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Certificate.objects.filter(user=director).count() == 1
    assert PointsEntry.objects.filter(user=director).count() == entries


def test_demo_team_session_is_given_with_a_trainer_guide(demo):
    """De Zonnebloem's team session names its trainer guide, so the trainer can present it."""
    session = Session.objects.get(unit=demo["zonnebloem"], kind=Session.Kind.TEAM)
    assert session.guide is not None and session.guide.is_trainer_guide
    assert session.guide.get_parent().specific.letter == "S"
    assert list(session.modules.values_list("letter", flat=True)) == ["S"]
    trainer = login("trainer.zonnebloem")
    page = trainer.get(f"/leren/bijeenkomsten/{session.pk}/").content.decode()
    assert f"/leren/les/{session.guide_id}/presenteren/" in page
    assert trainer.get(f"/leren/les/{session.guide_id}/presenteren/").status_code == 200
    # Seeding again keeps the one guide.
    call_command("seed_demo", stdout=io.StringIO())
    session.refresh_from_db()
    assert session.guide.get_parent().specific.letter == "S"
    assert session.modules.count() == 1


def test_demo_roles_land_where_the_readme_says(demo):
    """README "Try it": where each demo login lands, and the clicks it names from there."""
    from glans_learning.core.navigation import landing_url_for

    users = get_user_model().objects
    landing = {
        name: landing_url_for(users.get(username=name))
        for name in (
            "leraar.zonnebloem",
            "directeur.zonnebloem",
            "expertgroep.bestuur",
            "auditor",
        )
    }
    assert landing["leraar.zonnebloem"] == "/leren/mijn-leerroute/"
    assert landing["directeur.zonnebloem"].startswith("/leren/team/")
    assert landing["expertgroep.bestuur"].startswith("/certificering/bestuur/")
    assert landing["auditor"] == "/certificering/werklijst/"

    teacher = login("leraar.zonnebloem")
    assert "Volgende stap" in teacher.get("/leren/mijn-leerroute/").content.decode()
    assert "Groep 5" in teacher.get("/meten/").content.decode()
    director = login("directeur.zonnebloem")
    team = director.get(landing["directeur.zonnebloem"]).content.decode()
    for label in ("Exporteer CSV", "Exporteer Excel", "Wie mist er nog?", "Lotte Jansen"):
        assert label in team, label
    assert "De Zonnebloem" in director.get("/meten/").content.decode()
    board = login("expertgroep.bestuur")
    assert "School met Glans" in board.get(landing["expertgroep.bestuur"]).content.decode()
    assert "Stichting Samen Leren" in board.get("/meten/").content.decode()
    auditor = login("auditor")
    # Without the second factor the work list sends the auditor to the two-factor page …
    response = auditor.get("/certificering/werklijst/")
    assert response.status_code == 302 and "/accounts/tweestaps/" in response["Location"]
    # … one of the printed backup codes opens it (issue #23).
    from django_otp.plugins.otp_static.models import StaticToken

    code = StaticToken.objects.filter(device__user__username="auditor").first().token
    auditor.post("/accounts/tweestaps/", {"token": code})
    assert "De Zonnebloem" in auditor.get("/certificering/werklijst/").content.decode()
