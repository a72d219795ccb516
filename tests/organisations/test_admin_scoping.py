"""Wagtail's generic admin views load objects by id; ours must scope every one of them."""

import pytest

from glans_learning.organisations.models import Membership


@pytest.fixture
def other_membership(other_teacher):
    return Membership.objects.get(user=other_teacher)


def test_director_lists_only_own_units_memberships(client, director, teacher, other_teacher):
    client.force_login(director)
    response = client.get("/admin/glans_memberships/")
    assert response.status_code == 200
    html = response.content.decode()
    assert teacher.last_name in html
    assert other_teacher.last_name not in html


@pytest.mark.parametrize(
    "view", ["edit/{pk}/", "delete/{pk}/", "inspect/{pk}/", "history/{pk}/", "usage/{pk}/"]
)
def test_other_schools_memberships_are_not_reachable_by_id(
    client, director, other_membership, view
):
    client.force_login(director)
    response = client.get("/admin/glans_memberships/" + view.format(pk=other_membership.pk))
    assert response.status_code in (403, 404)


def test_director_cannot_move_a_membership_to_another_unit(client, director, teacher, regenboog):
    client.force_login(director)
    membership = Membership.objects.get(user=teacher)
    response = client.post(
        f"/admin/glans_memberships/edit/{membership.pk}/",
        {"user": teacher.pk, "unit": regenboog.pk, "roles": [], "is_active": "on"},
    )
    assert response.status_code == 200  # the form comes back with errors
    membership.refresh_from_db()
    assert membership.unit.name == "De Zonnebloem"


def test_director_adds_a_new_person_to_own_unit(client, director, zonnebloem):
    from glans_learning.organisations.models import Role

    client.force_login(director)
    learner = Role.objects.get(code="learner")
    response = client.post(
        "/admin/glans_memberships/new/",
        {
            "unit": zonnebloem.pk,
            "roles": [learner.pk],
            "is_active": "on",
            "new_first_name": "Nina",
            "new_last_name": "Nieuw",
            "new_email": "nina@example.invalid",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(user__email="nina@example.invalid", unit=zonnebloem).exists()


def test_membership_form_errors_are_dutch_and_save_nothing(client, director, zonnebloem):
    client.force_login(director)
    before = Membership.objects.count()
    response = client.post("/admin/glans_memberships/new/", {"unit": zonnebloem.pk})
    assert response.status_code == 200
    assert (
        "Kies een persoon of vul het e-mailadres van een nieuwe persoon in."
        in response.content.decode()
    )
    assert Membership.objects.count() == before


def test_plain_teacher_has_no_admin(client, teacher):
    client.force_login(teacher)
    response = client.get("/admin/")
    assert response.status_code == 302


def test_admin_logs_in_and_sees_organisations_menu(client, admin_user, verified_login):
    verified_login(client, admin_user)
    response = client.get("/admin/glans_units/")
    assert response.status_code == 200
