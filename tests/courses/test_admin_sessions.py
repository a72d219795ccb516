"""Sessions in the Wagtail admin are scoped by organisation."""

import datetime

import pytest
from django.utils import timezone

from glans_learning.courses.models import Session
from tests.factories import SessionFactory


@pytest.fixture
def sessions(loaded_fixture, zonnebloem, regenboog):
    from glans_learning.courses.models import ProgrammePage

    programme = ProgrammePage.objects.get(slug="proef")
    start = timezone.now() + datetime.timedelta(days=7)
    common = {
        "programme": programme,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
    }
    return {
        "own": SessionFactory(
            title="Teamsessie Zonnebloem", unit=zonnebloem, kind="team", **common
        ),
        "other": SessionFactory(
            title="Teamsessie Regenboog", unit=regenboog, kind="team", **common
        ),
        "academy": SessionFactory(title="TdT-bijeenkomst", unit=None, **common),
        "programme": programme,
    }


def test_director_lists_only_own_units_sessions(client, director, sessions):
    client.force_login(director)
    html = client.get("/admin/glans_sessions/").content.decode()
    assert "Teamsessie Zonnebloem" in html
    assert "Teamsessie Regenboog" not in html
    assert "Academiebijeenkomst Utrecht" not in html


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history"])
def test_director_cannot_reach_other_sessions_by_id(client, director, sessions, view):
    client.force_login(director)
    for key in ("other", "academy"):
        response = client.get(f"/admin/glans_sessions/{view}/{sessions[key].pk}/")
        assert response.status_code in (403, 404)


def test_director_cannot_plan_a_session_for_another_unit(client, director, sessions, regenboog):
    client.force_login(director)
    before = Session.objects.count()
    start = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        "/admin/glans_sessions/new/",
        {
            "programme": sessions["programme"].pk,
            "unit": regenboog.pk,
            "kind": "team",
            "title": "Stiekem",
            "starts_at": start.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "location": "Ergens",
        },
    )
    assert response.status_code == 200
    assert Session.objects.count() == before


def test_academy_trainer_plans_an_academy_wide_session(client, academy_trainer, sessions):
    client.force_login(academy_trainer)
    start = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        "/admin/glans_sessions/new/",
        {
            "programme": sessions["programme"].pk,
            "unit": "",
            "kind": "tdt",
            "title": "TdT-bijeenkomst 3",
            "starts_at": start.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
            "location": "Academie",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Session.objects.filter(title="TdT-bijeenkomst 3", unit__isnull=True).exists()


def test_plain_teacher_has_no_session_admin(client, teacher, sessions):
    client.force_login(teacher)
    assert client.get("/admin/glans_sessions/").status_code in (302, 403)
