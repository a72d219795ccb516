"""Issue 8, defect 1: the admin's log listings show only entries about objects the user may
see; names of another school's people never appear (HTML and CSV)."""

import pytest
from wagtail.log_actions import log

from glans_learning.organisations.models import Group, Membership, ScopedLogEntry


@pytest.fixture
def logged(director, teacher, other_director, other_teacher, zonnebloem, regenboog):
    own = Membership.objects.get(user=teacher)
    foreign = Membership.objects.get(user=other_teacher)
    foreign_group = Group.objects.create(unit=regenboog, name="Groep Geheim")
    log(own, "wagtail.edit", user=director)
    log(foreign, "wagtail.edit", user=other_director)
    log(foreign_group, "wagtail.create", user=other_director)
    log(regenboog, "wagtail.edit", user=other_director)
    return {"own": own, "foreign": foreign}


def test_scoped_models_log_to_the_scoped_table(logged):
    assert ScopedLogEntry.objects.count() == 4


def test_director_sees_only_own_schools_entries(client, director, teacher, other_teacher, logged):
    client.force_login(director)
    html = client.get("/admin/reports/site-history/").content.decode()
    assert teacher.get_full_name() in html
    assert other_teacher.get_full_name() not in html
    assert other_teacher.last_name not in html
    assert "Groep Geheim" not in html
    assert "De Regenboog" not in html


def test_site_history_csv_is_scoped(client, director, teacher, other_teacher, logged):
    client.force_login(director)
    response = client.get("/admin/reports/site-history/?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert teacher.last_name in body
    assert other_teacher.last_name not in body
    assert "Groep Geheim" not in body


def test_history_filters_do_not_list_other_schools_people(client, director, other_director, logged):
    client.force_login(director)
    html = client.get("/admin/reports/site-history/").content.decode()
    # The "user" filter lists only authors of entries the director may see.
    assert other_director.last_name not in html


def test_platform_admin_sees_everything(client, admin_user, other_teacher, logged, verified_login):
    verified_login(client, admin_user)
    html = client.get("/admin/reports/site-history/").content.decode()
    assert other_teacher.last_name in html


def test_object_history_is_scoped(client, director, logged):
    client.force_login(director)
    foreign = logged["foreign"]
    assert client.get(f"/admin/glans_memberships/history/{foreign.pk}/").status_code in (403, 404)
    assert client.get(f"/admin/glans_memberships/history/{logged['own'].pk}/").status_code == 200
