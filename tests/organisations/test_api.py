import pytest
from django.test import Client

from glans_learning.core.services import api_token_create, api_token_revoke
from tests.factories import log_in


@pytest.fixture
def members_url(zonnebloem):
    return f"/api/v1/organisations/{zonnebloem.pk}/members"


def test_me_lists_memberships_with_unit_and_roles(client, director, zonnebloem):
    client.force_login(director)
    data = client.get("/api/v1/me").json()
    assert data["username"] == "directeur.zonnebloem"
    assert data["is_academy_staff"] is False
    [membership] = data["memberships"]
    assert membership["unit"] == {
        "id": zonnebloem.pk,
        "name": "De Zonnebloem",
        "type": "po",
        "type_label": "Basisschool (PO)",
        "board": zonnebloem.board.name,
    }
    assert sorted(membership["roles"]) == ["director", "tdt_participant"]


def test_me_requires_authentication_with_translated_json_error(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Log in of gebruik een geldige API-sleutel."}


def test_director_gets_own_unit_members(client, director, teacher, other_teacher, members_url):
    client.force_login(director)
    response = client.get(members_url)
    assert response.status_code == 200
    usernames = {m["username"] for m in response.json()}
    assert usernames == {"directeur.zonnebloem", "leraar.zonnebloem"}


def test_tdt_participant_and_academy_roles_see_members(
    client, tdt_teacher, academy_trainer, members_url
):
    # Auditors see aggregates only (issue 8): tests/organisations/test_trust_scoping.py.
    for user in (tdt_teacher, academy_trainer):
        client.force_login(user)
        assert client.get(members_url).status_code == 200


@pytest.mark.parametrize("who", ["other_teacher", "other_director"])
def test_people_of_another_school_get_no_data(client, request, members_url, teacher, who):
    log_in(client, request.getfixturevalue(who))
    response = client.get(members_url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Niet gevonden."}
    assert "leraar.zonnebloem" not in response.content.decode()


def test_plain_teacher_of_the_school_is_forbidden(client, teacher, members_url):
    client.force_login(teacher)
    response = client.get(members_url)
    assert response.status_code == 403
    assert response.json() == {"detail": "Je hebt geen toegang tot deze gegevens."}


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "99999999", "1.5", "99999999999999999999999"])
def test_malformed_or_unknown_unit_ids_are_json_404(client, director, bad_id):
    client.force_login(director)
    response = client.get(f"/api/v1/organisations/{bad_id}/members")
    assert response.status_code == 404
    assert response.json()["detail"] == "Niet gevonden."


def test_unknown_api_path_is_json_404(client, director):
    client.force_login(director)
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_errors_follow_the_requested_language(client, director):
    client.force_login(director)
    response = client.get("/api/v1/organisations/abc/members", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Not found."


def test_personal_api_token_authenticates_and_can_be_revoked(director, members_url):
    token, key = api_token_create(user=director, name="koppeling")
    assert key.startswith("glans_") and token.key_hash != key
    api = Client()
    assert api.get(members_url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert api.get("/api/v1/me", HTTP_X_API_KEY=key).json()["username"] == "directeur.zonnebloem"
    assert api.get(members_url, HTTP_AUTHORIZATION="Bearer glans_wrong").status_code == 401
    assert api_token_revoke(user=director, token_id=token.pk)
    assert api.get(members_url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_openapi_document_lists_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in spec["paths"]
    assert "/api/v1/organisations/{unit_id}/members" in spec["paths"]
    assert "/api/v1/programmes" in spec["paths"]


def test_members_endpoint_query_count_is_flat(
    client, director, zonnebloem, members_url, django_assert_max_num_queries
):
    from tests.factories import person

    client.force_login(director)
    for i in range(3):
        person(f"extra{i}", unit=zonnebloem)
    with django_assert_max_num_queries(8):
        assert len(client.get(members_url).json()) == 4
    for i in range(3, 20):
        person(f"extra{i}", unit=zonnebloem)
    with django_assert_max_num_queries(8):
        assert len(client.get(members_url).json()) == 21
