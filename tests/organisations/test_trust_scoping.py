"""Issue 8: viewing a unit is not managing it; no e-mail enumeration; auditors see no names."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from glans_learning.organisations import permissions
from glans_learning.organisations.models import Membership, Role
from glans_learning.organisations.services import membership_grant
from tests.factories import log_in, person


@pytest.fixture
def director_learning_elsewhere(director, regenboog):
    """Director of De Zonnebloem who is only a learner at De Regenboog."""
    membership_grant(user=director, unit=regenboog, role_codes=["learner"])
    permissions.forget_roles(director)
    return director


def _csrf_post(client, url, data):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_director_cannot_rename_or_deactivate_a_unit_they_only_learn_at(
    client, director_learning_elsewhere, regenboog
):
    client.force_login(director_learning_elsewhere)
    # They may see it (without an edit link) …
    listing = client.get("/admin/glans_units/").content.decode()
    assert "De Regenboog" in listing
    assert f"/admin/glans_units/edit/{regenboog.pk}/" not in listing
    # … but not edit it.
    response = client.get(f"/admin/glans_units/edit/{regenboog.pk}/")
    assert response.status_code in (403, 404)
    response = client.post(
        f"/admin/glans_units/edit/{regenboog.pk}/",
        {
            "board": regenboog.board_id,
            "name": "Gekaapt",
            "unit_type": "ikc",
            "brin": "",
            "city": "",
        },
    )
    assert response.status_code in (403, 404)
    regenboog.refresh_from_db()
    assert regenboog.name == "De Regenboog"
    assert regenboog.is_active


def test_director_may_still_edit_own_unit(client, director_learning_elsewhere, zonnebloem):
    client.force_login(director_learning_elsewhere)
    assert client.get(f"/admin/glans_units/edit/{zonnebloem.pk}/").status_code == 200


def test_unit_change_rule_is_per_unit(director_learning_elsewhere, zonnebloem, regenboog):
    user = director_learning_elsewhere
    assert user.has_perm("glans_organisations.change_organisationunit", zonnebloem)
    assert not user.has_perm("glans_organisations.change_organisationunit", regenboog)
    assert user.has_perm("glans_organisations.view_organisationunit")


@pytest.mark.parametrize("known_elsewhere", [True, False])
def test_membership_form_answers_alike_for_unknown_and_foreign_addresses(
    known_elsewhere, director, zonnebloem, regenboog
):
    from django.test import Client

    if known_elsewhere:
        person("elders", unit=regenboog, roles=["learner"], email="iemand@example.invalid")
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    learner = Role.objects.get(code="learner")
    response = _csrf_post(
        client,
        "/admin/glans_memberships/new/",
        {
            "unit": zonnebloem.pk,
            "roles": [learner.pk],
            "is_active": "on",
            "new_first_name": "Iemand",
            "new_last_name": "Anders",
            "new_email": "IEMAND@example.invalid",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/glans_memberships/"
    User = get_user_model()
    # No second account for the same address.
    assert User.objects.filter(email__iexact="iemand@example.invalid").count() == 1
    # A new address gets its membership; an existing account only an invitation to join,
    # which its owner accepts themself (issue #23): the director's answer is the same.
    joined = Membership.objects.filter(
        unit=zonnebloem, user__email__iexact="iemand@example.invalid"
    ).exists()
    assert joined is not known_elsewhere


def test_auditor_gets_no_member_list(client, auditor, zonnebloem, teacher):
    log_in(client, auditor)
    response = client.get(f"/api/v1/organisations/{zonnebloem.pk}/members")
    assert response.status_code == 403
    assert teacher.email not in response.content.decode()
    assert not permissions.visible_users(auditor).exists()


def test_auditor_sees_no_names_in_admin_member_lists(client, auditor, teacher, verified_login):
    verified_login(client, auditor)
    assert client.get("/admin/").status_code == 200
    for url in (
        "/admin/glans_memberships/",
        "/admin/users/",
        "/admin/glans_groups/",
        "/admin/reports/site-history/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url
        assert teacher.last_name not in response.content.decode(), url
        assert teacher.email not in response.content.decode(), url


def test_trainer_and_admin_still_see_members(client, academy_trainer, admin_user, zonnebloem):
    for user in (academy_trainer, admin_user):
        log_in(client, user)
        assert client.get(f"/api/v1/organisations/{zonnebloem.pk}/members").status_code == 200
    # The admin without a second factor: a clear 403, no member list (issue #23).
    client = Client()
    client.force_login(admin_user)
    response = client.get(f"/api/v1/organisations/{zonnebloem.pk}/members")
    assert response.status_code == 403
    assert response.json()["errors"][0]["type"] == "second_factor_required"


def test_auditor_gets_no_team_view(client, auditor, zonnebloem, teacher):
    log_in(client, auditor)
    for url in ("/leren/team/", f"/leren/team/?unit={zonnebloem.pk}"):
        response = client.get(url)
        assert teacher.last_name not in response.content.decode(), url
        assert teacher.email not in response.content.decode(), url
