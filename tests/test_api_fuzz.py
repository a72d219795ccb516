"""Fuzz the API with schemathesis against its own OpenAPI document.

Every operation, authenticated as a learner and as a director with personal API keys, with
real ids mixed into the generated ones so that handlers are reached. Checks: no server
error, every status is declared in the document, valid data is accepted, and responses
match their schemas. ``GLANS_FUZZ_EXAMPLES`` sets the number of examples per operation
(small in ``make test``; ``make fuzz`` runs many more).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("GLANS_FUZZ_EXAMPLES", "15"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.positive_data_acceptance,
]


@pytest.fixture
def _keep_test_connection():
    """Like Django's test client: requests must not close the test's connection (it runs
    inside the test's transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(_keep_test_connection, loaded_fixture, zonnebloem, teacher, director):
    from glans_learning.core.services import api_token_create
    from glans_learning.courses import services
    from tests.courses.test_progress_support import current_year, proef

    current_year()
    programme = proef()
    services.enrol(user=teacher, programme=programme, by=teacher)
    lesson = loaded_fixture["lesson"]
    block_id = next(block.id for block in lesson.body if block.block_type == "reflection")
    return {
        "keys": {
            "learner": api_token_create(user=teacher, name="fuzz")[1],
            "director": api_token_create(user=director, name="fuzz")[1],
        },
        "ids": {
            "unit_id": str(zonnebloem.pk),
            "lesson_id": str(lesson.pk),
            "programme_id": str(programme.pk),
            "block_id": block_id,
        },
    }


def _schema():
    from django.core.wsgi import get_wsgi_application

    from glans_learning.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()  # calls go through Django's WSGI handler
    return loaded


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_survives_fuzzing(case, fuzz_world):
    # Half of the cases use real ids, so that handlers run past their lookups.
    if case.path_parameters and hash(repr(case.path_parameters)) % 2 == 0:
        for name, value in fuzz_world["ids"].items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
    for key in fuzz_world["keys"].values():
        case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)


def test_every_operation_declares_its_errors_in_one_shape():
    from glans_learning.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = {str(code) for code in operation["responses"]}
            assert {"404", "422"} <= responses, (method, path, responses)
            if operation.get("security"):
                assert {"401", "403"} <= responses, (method, path)
            for code, response in operation["responses"].items():
                if str(code).startswith(("4", "5")):
                    content = response["content"]["application/json"]["schema"]
                    assert content == {"$ref": "#/components/schemas/Error"}, (path, code)


@pytest.mark.parametrize(
    "raw",
    ['"Een lang genoeg antwoord \\ud800 met een losse helft"', '"Een lang genoeg a\\u0000twoord"'],
)
def test_unstorable_characters_are_replaced_not_a_server_error(client, fuzz_world, raw):
    from glans_learning.courses.models import ActivityResponse

    ids = fuzz_world["ids"]
    response = client.post(
        f"/api/v1/lessons/{ids['lesson_id']}/activities/{ids['block_id']}",
        '{"answer": ' + raw + "}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {fuzz_world['keys']['learner']}",
    )
    assert response.status_code == 200, response.content
    stored = ActivityResponse.objects.get(block_id=ids["block_id"]).answer_text
    assert "\ufffd" in stored and "\x00" not in stored


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("x", "multipart/form-data"),
    ],
)
def test_malformed_bodies_get_a_json_error(client, fuzz_world, body, content_type):
    ids = fuzz_world["ids"]
    url = f"/api/v1/lessons/{ids['lesson_id']}/activities/{ids['block_id']}"
    response = client.post(
        url,
        body,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {fuzz_world['keys']['learner']}",
    )
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
