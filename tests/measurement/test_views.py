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
