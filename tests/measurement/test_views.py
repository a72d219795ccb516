from glans_learning.measurement.models import AccessLog


def test_teacher_grid_shows_codes_labels_and_logs_access(school, teacher, client):
    client.force_login(teacher)
    page = client.get(f"/meten/groep/{school['group'].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kind 0" in html and "grid.js" in html and "rate-btn" in html
    assert AccessLog.objects.filter(user=teacher, what="grid").exists()
    assert client.get(f"/meten/groep/{school['other'].pk}/").status_code == 404


def test_other_school_gets_nothing(school, other_teacher, other_director, client):
    for user in (other_teacher, other_director):
        client.force_login(user)
        assert client.get(f"/meten/school/{school['unit'].pk}/").status_code == 404
        assert client.get(f"/meten/groep/{school['group'].pk}/").status_code == 404


def test_school_dashboard_and_export(school, director, client):
    client.force_login(director)
    page = client.get(f"/meten/school/{school['unit'].pk}/")
    assert page.status_code == 200 and "Groep 5" in page.content.decode()
    csv = client.get(f"/meten/school/{school['unit'].pk}/?export=csv")
    assert csv.content.startswith("\ufeff".encode()) and b";" in csv.content
    assert client.get(f"/meten/school/{school['unit'].pk}/?export=xlsx").content[:2] == b"PK"


def test_board_view_has_no_codes_or_labels(school, board_expert, client):
    from tests.measurement.conftest import codes

    client.force_login(board_expert)
    page = client.get(f"/meten/bestuur/{school['unit'].board_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "De Zonnebloem" in html and "Kind" not in html
    assert not any(code in html for code in codes(school["group"]))
    assert client.get(f"/meten/school/{school['unit'].pk}/").status_code == 404


def _rated_school(unit, year, groups, families):
    from glans_learning.measurement.models import MeasurementMoment, Rating
    from tests.measurement.conftest import make_group, open_moment

    moment = MeasurementMoment.objects.filter(unit=unit).first() or open_moment(unit, year)
    for g in range(groups):
        group = make_group(unit, year, f"Groep {unit.pk}-{g}", families)
        Rating.objects.bulk_create(
            [
                Rating(relationship=r, moment=moment, value="positive")
                for r in group.relationships.all()
            ]
        )


def test_dashboards_and_api_take_a_flat_number_of_queries(
    school, director, board_expert, academy_trainer, year, client
):
    """The school, board and academy screens and the API ask the same number of queries
    when the school has more families and the board and the nation more schools."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory

    unit = school["unit"]
    requests = [
        (director, f"/meten/school/{unit.pk}/"),
        (director, f"/api/v1/organisations/{unit.pk}/measurements"),
        (board_expert, f"/meten/bestuur/{unit.board_id}/"),
        (board_expert, f"/api/v1/boards/{unit.board_id}/measurements"),
        (academy_trainer, "/meten/academie/"),
    ]

    def counts():
        out = []
        for user, url in requests:
            client.force_login(user)
            assert client.get(url).status_code == 200  # warm (session, roles)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    _rated_school(unit, year, 2, 12)  # a bigger school
    for _ in range(3):  # more schools in the board and in the nation
        _rated_school(UnitFactory(board=unit.board), year, 2, 6)
        _rated_school(UnitFactory(), year, 2, 6)
    assert counts() == before
