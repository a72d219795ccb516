"""Issue #23 §3: small-cell suppression counts ratings, not only relationships. One rating at
a new moment of a big school must not reach the board or the academy as "rated 1, negative
1" — not on screen, not in the API, not in an export."""

import datetime

from django.test import Client
from django.utils import timezone

from glans_learning.measurement import selectors, services
from glans_learning.measurement.models import MeasurementMoment, Rating
from tests.factories import person
from tests.measurement.conftest import make_group


def _one_rating_at_a_new_moment(unit, year):
    group = make_group(unit, year, "Groep 8", 12)
    today = timezone.localdate()
    moment = MeasurementMoment.objects.create(
        unit=unit,
        school_year=year,
        date=today,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=1),
    )
    Rating.objects.create(relationship=group.relationships.first(), moment=moment, value="negative")
    services.tallies_refresh(unit_id=unit.pk, school_year_id=year.pk)  # written past rate_group
    return moment


def test_selectors_suppress_a_cell_with_fewer_ratings_than_the_minimum(zonnebloem, year):
    _one_rating_at_a_new_moment(zonnebloem, year)
    outside = selectors.units_measurements(units=[zonnebloem], school_year=year)[0]
    cell = outside["moments"][0]
    assert cell["suppressed"] and cell["rated"] is None and cell["negative"] is None
    assert outside["latest"] is None
    per_group = selectors.unit_measurements(
        unit=zonnebloem, school_year=year, group_ids=None, suppress=True
    )
    assert per_group["moments"][0]["suppressed"]
    assert all(c["suppressed"] for g in per_group["groups"] for c in g["moments"])
    # Inside the school nothing is hidden.
    inside = selectors.unit_measurements(unit=zonnebloem, school_year=year)
    assert inside["moments"][0]["rated"] == 1 and inside["moments"][0]["negative"] == 1


def test_board_and_academy_see_no_figure_of_one_rating(zonnebloem, year, auditor, verified_login):
    _one_rating_at_a_new_moment(zonnebloem, year)
    board_eg = person("eg.bestuur", unit=zonnebloem, roles=["board_expertgroep"])
    client = Client()
    client.force_login(board_eg)
    api = client.get(f"/api/v1/boards/{zonnebloem.board_id}/measurements").json()
    moment = api["units"][0]["moments"][0]
    assert moment["suppressed"] is True
    assert moment["rated"] is None and moment["negative"] is None
    unit_api = client.get(f"/api/v1/organisations/{zonnebloem.pk}/measurements").json()
    assert unit_api["moments"][0]["suppressed"] is True
    assert unit_api["moments"][0]["negative"] is None
    export = client.get(f"/meten/bestuur/{zonnebloem.board_id}/", {"export": "csv"})
    assert export.status_code == 200
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    # Beoordeeld, Glanst (%), Doel, Nog niet beoordeeld, Dof/neutraal zonder stap: nothing.
    assert lines[1].split(";")[2:4] == ["", "<5"], lines[1]
    assert lines[1].split(";")[5:7] == ["", ""], lines[1]
    page = client.get(f"/meten/bestuur/{zonnebloem.board_id}/").content.decode()
    assert "&lt;5" in page
    academy = verified_login(Client(), auditor)
    rows = academy.get("/meten/academie/", {"export": "csv"})
    assert rows.status_code == 200
    text = rows.content.decode("utf-8-sig")
    assert "De Zonnebloem" in text
    # The number of relationships (12) may show; no latest measurement built on one rating.
    row = [line for line in text.splitlines() if "De Zonnebloem" in line][0].split(";")
    assert row[3:5] == ["", ""], row
