"""Admin screens: moments per unit (the director plans their own school's), targets per board
(platform admins set them)."""

from glans_learning.measurement.models import MeasurementMoment, Target


def test_director_plans_moments_of_their_own_school_only(
    zonnebloem, regenboog, year, director, client
):
    client.force_login(director)
    page = client.get("/admin/glans_measurement_moments/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "De Zonnebloem" in html and "De Regenboog" not in html
    data = {
        "school_year": year.pk,
        "date": "2026-12-10",
        "opens_on": "2026-12-03",
        "closes_on": "2026-12-20",
        "title": "",
    }
    response = client.post("/admin/glans_measurement_moments/new/", {**data, "unit": regenboog.pk})
    assert response.status_code == 200 and not MeasurementMoment.objects.exists()
    response = client.post("/admin/glans_measurement_moments/new/", {**data, "unit": zonnebloem.pk})
    assert response.status_code == 302
    assert MeasurementMoment.objects.get().unit == zonnebloem
    # Targets are not the school's to set.
    assert client.get("/admin/glans_measurement_targets/new/").status_code == 302


def test_admin_sets_a_boards_target(zonnebloem, admin_user, client, verified_login):
    verified_login(client, admin_user)
    response = client.post(
        "/admin/glans_measurement_targets/new/",
        {"board": zonnebloem.board_id, "implementation_year": 2, "share_positive": 85},
    )
    assert response.status_code == 302
    assert Target.objects.get().share_positive == 85
    response = client.post(
        "/admin/glans_measurement_targets/new/",
        {"board": zonnebloem.board_id, "implementation_year": 3, "share_positive": 120},
    )
    assert response.status_code == 200 and Target.objects.count() == 1


def test_academy_dashboard_shows_one_page_of_schools(
    zonnebloem, regenboog, year, academy_trainer, client, monkeypatch
):
    from glans_learning.measurement import views

    monkeypatch.setattr(views, "ACADEMY_PAGE_SIZE", 1)
    client.force_login(academy_trainer)
    first = client.get("/meten/academie/").content.decode()
    second = client.get("/meten/academie/?page=2").content.decode()
    assert ("De Regenboog" in first) != ("De Regenboog" in second)
    assert "Pagina 1 van 2" in first
    export = client.get("/meten/academie/?export=csv").content.decode("utf-8-sig")
    assert "De Regenboog" in export and "De Zonnebloem" in export  # the export holds all
