"""Issue 8, defect 11: personal API keys work for every method; session requests need CSRF;
anonymous requests are 401 JSON; keys are made and revoked through the API."""

import pytest
from django.core.cache import cache
from django.test import Client

from glans_learning.core import services
from glans_learning.core.models import ApiToken


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _csrf_token(client):
    client.get("/accounts/profiel/")
    return client.cookies["csrftoken"].value


def test_key_can_post_without_csrf(csrf_client, teacher):
    _token, key = services.api_token_create(user=teacher, name="koppeling")
    response = csrf_client.post(
        "/api/v1/me/tokens/999/x", HTTP_AUTHORIZATION=f"Bearer {key}"
    )  # unknown route: JSON 404, not a CSRF failure
    assert response.status_code == 404
    other, _key = services.api_token_create(user=teacher, name="oud")
    response = csrf_client.delete(
        f"/api/v1/me/tokens/{other.pk}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 204
    other.refresh_from_db()
    assert other.revoked_at is not None


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_API_KEY"])
def test_key_posts_to_a_write_endpoint(csrf_client, teacher, header):
    """A POST with a key reaches the handler (here: 404 for an unknown lesson), it is not
    stopped by the session authenticator's CSRF check (was: 403 'CSRF check Failed')."""
    _token, key = services.api_token_create(user=teacher, name="koppeling")
    value = f"Bearer {key}" if header == "HTTP_AUTHORIZATION" else key
    response = csrf_client.post("/api/v1/lessons/999999/open", **{header: value})
    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith("application/json")


def test_session_post_without_csrf_is_refused(csrf_client, teacher):
    csrf_client.force_login(teacher)
    response = csrf_client.post("/api/v1/lessons/999999/open")
    assert response.status_code == 403


def test_anonymous_post_is_401_json(csrf_client):
    response = csrf_client.post("/api/v1/lessons/999999/open")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_wrong_key_never_falls_back_to_the_session(csrf_client, teacher):
    csrf_client.force_login(teacher)
    response = csrf_client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer glans_wrong")
    assert response.status_code == 401


def test_create_token_with_session_and_csrf(csrf_client, teacher):
    csrf_client.force_login(teacher)
    token = _csrf_token(csrf_client)
    response = csrf_client.post(
        "/api/v1/me/tokens",
        {"name": "rapportage"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["key"].startswith("glans_")
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.key_hash == ApiToken.hash_key(body["key"])
    # The key is shown once: the list does not repeat it.
    listing = csrf_client.get("/api/v1/me/tokens").json()
    assert [t["id"] for t in listing] == [body["id"]]
    assert "key" not in listing[0]
    # And it works.
    fresh = Client(enforce_csrf_checks=True)
    assert fresh.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['key']}").status_code == 200


def test_create_token_needs_csrf_and_a_session(csrf_client, teacher):
    csrf_client.force_login(teacher)
    response = csrf_client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    _token, key = services.api_token_create(user=teacher, name="koppeling")
    other = Client(enforce_csrf_checks=True)
    response = other.post(
        "/api/v1/me/tokens",
        {"name": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 401  # a key cannot mint keys
    assert ApiToken.objects.filter(user=teacher).count() == 1


def test_create_token_rejects_a_blank_name(csrf_client, teacher):
    csrf_client.force_login(teacher)
    response = csrf_client.post(
        "/api/v1/me/tokens",
        {"name": "   "},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_csrf_token(csrf_client),
    )
    assert response.status_code == 422
    assert not ApiToken.objects.filter(user=teacher).exists()


def test_cannot_revoke_someone_elses_token(csrf_client, teacher, other_teacher):
    theirs, _ = services.api_token_create(user=other_teacher, name="van een ander")
    _mine, key = services.api_token_create(user=teacher, name="mijn")
    response = csrf_client.delete(
        f"/api/v1/me/tokens/{theirs.pk}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_wrong_keys_are_rate_limited(csrf_client, teacher, settings):
    settings.GLANS_API_KEY_FAILURE_LIMIT = 3
    _token, key = services.api_token_create(user=teacher, name="koppeling")
    for _ in range(3):
        assert (
            csrf_client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer glans_fout").status_code == 401
        )
    response = csrf_client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer glans_fout")
    assert response.status_code == 429
    assert response.json()["detail"]
    # A valid key from the same address (a school's NAT) still works (issue #23).
    response = csrf_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    response = csrf_client.get("/api/v1/me", HTTP_X_API_KEY=key)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_X_API_KEY": ""},
        {"HTTP_AUTHORIZATION": "Basic dGVzdDp0ZXN0"},
        {"HTTP_AUTHORIZATION": ""},
    ],
    ids=["empty-x-api-key", "basic", "empty-authorization"],
)
def test_a_key_header_that_is_not_a_key_never_falls_back_to_the_session(
    csrf_client, teacher, header
):
    csrf_client.force_login(teacher)
    assert csrf_client.get("/api/v1/me").status_code == 200
    response = csrf_client.get("/api/v1/me", **header)
    assert response.status_code == 401
    assert teacher.username not in response.content.decode()


def test_429_documented_for_keyed_operations_and_schema_names_unique(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "429" in schema["paths"]["/api/v1/me"]["get"]["responses"]
    assert "429" not in schema["paths"]["/api/v1/certification/register"]["get"]["responses"]
    mine = schema["paths"]["/api/v1/me/certificates"]["get"]["responses"]["200"]
    ref = mine["content"]["application/json"]["schema"]["items"]["$ref"]
    described = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"programme", "pdf_url", "credential_url"} <= set(described["properties"])


def test_token_operations_are_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/me/tokens"]["post"]
    assert {"201", "401", "403", "422"} <= set(post["responses"])
    delete = schema["paths"]["/api/v1/me/tokens/{token_id}"]["delete"]
    assert {"204", "401", "404"} <= set(delete["responses"])


def test_keys_of_two_factor_roles_need_a_verified_session_and_are_read_only(
    csrf_client, auditor, zonnebloem, verified_login
):
    board_url = f"/api/v1/boards/{zonnebloem.board_id}/measurements"
    # Password only: no key, and no academy-wide reads either.
    csrf_client.force_login(auditor)
    response = csrf_client.post(
        "/api/v1/me/tokens",
        {"name": "rapportage"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_csrf_token(csrf_client),
    )
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=auditor).exists()
    response = csrf_client.get(board_url)
    assert response.status_code == 403
    assert response.json()["errors"][0]["type"] == "second_factor_required"
    # Verified: a read-only key that expires, and that carries the auditor's reads.
    verified_login(csrf_client, auditor)
    response = csrf_client.post(
        "/api/v1/me/tokens",
        {"name": "rapportage"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=_csrf_token(csrf_client),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == "read" and body["expires_at"]
    keyed = Client()
    assert keyed.get(board_url, HTTP_AUTHORIZATION=f"Bearer {body['key']}").status_code == 200
    response = keyed.post(
        "/api/v1/me/tokens",
        {"name": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {body['key']}",
    )
    assert response.status_code in (401, 403)
    # A key made before this rule (no second factor behind it) has no auditor rights.
    _old, old_key = services.api_token_create(user=auditor, name="oud", verified=True)
    ApiToken.objects.filter(pk=_old.pk).update(two_factor=False)
    assert keyed.get(board_url, HTTP_AUTHORIZATION=f"Bearer {old_key}").status_code in (403, 404)


def test_a_read_only_key_cannot_write(csrf_client, teacher):
    _token, key = services.api_token_create(user=teacher, name="lezen", scope="read")
    response = csrf_client.post("/api/v1/lessons/999999/open", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403
    assert csrf_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
