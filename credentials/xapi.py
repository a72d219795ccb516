"""xAPI statements: built once, stored as the exact JSON that is sent, and forwarded to a
Learning Record Store when ``GLANS_LRS_ENDPOINT`` is set. Resending the same bytes with the
same id is harmless (the LRS answers 204 or 200 without storing it twice)."""

import base64
import datetime
import json
import urllib.error
import urllib.request
import uuid
from urllib.parse import quote

from django.conf import settings

from glans_learning.core.links import public_base_url

NAMESPACE = uuid.UUID("6f1f3d4c-8b9a-4c6e-9a51-1d0c8f0a6b21")
VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "attended": "http://adlnet.gov/expapi/verbs/attended",
    "earned": "http://id.tincanapi.com/verb/earned",
    "launched": "http://adlnet.gov/expapi/verbs/launched",
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
}
ACTIVITY_TYPES = {
    "programme": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "session": "http://adlnet.gov/expapi/activities/meeting",
    "certificate": "http://activitystrea.ms/schema/1.0/badge",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "question": "http://adlnet.gov/expapi/activities/question",
    "exercise": "http://adlnet.gov/expapi/activities/interaction",
}


def base_url() -> str:
    return public_base_url()


def statement_id(event_key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, event_key)


def statement(
    *, user, verb: str, kind: str, object_id, name: str, when, result: dict | None = None
) -> dict:
    """A statement without names of people: the actor is an account on this site. `result`
    (success, score) is given for answers; completions get {"completion": true}."""
    if result is None and verb == "completed":
        result = {"completion": True}
    return {
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": base_url(), "name": str(user.pk)},
        },
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": f"{base_url()}/xapi/activities/{kind}/{quote(str(object_id), safe='')}",
            "definition": {"type": ACTIVITY_TYPES[kind], "name": {"nl-NL": name}},
        },
        **({"result": result} if result else {}),
        "timestamp": when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }


def serialise(statement_uuid, body: dict) -> str:
    return json.dumps({"id": str(statement_uuid), **body}, sort_keys=True, separators=(",", ":"))


class LRSUnavailable(Exception):
    """The LRS could not be reached or answered with a server error: try again later."""


def lrs_configured() -> bool:
    return bool(getattr(settings, "GLANS_LRS_ENDPOINT", None))


def post_statements(statements: list[str]) -> int:
    """POST a batch of serialised statements; returns the HTTP status. 200/204 are success;
    a 4xx other than 409 is a permanent refusal (raised as ValueError)."""
    endpoint = settings.GLANS_LRS_ENDPOINT.rstrip("/") + "/statements"
    if not endpoint.startswith(("https://", "http://")):
        raise ValueError("GLANS_LRS_ENDPOINT must be an http(s) URL")
    body = ("[" + ",".join(statements) + "]").encode()
    credentials = f"{settings.GLANS_LRS_KEY or ''}:{settings.GLANS_LRS_SECRET or ''}"
    request = urllib.request.Request(  # noqa: S310 (http(s) checked above)
        endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (http(s) checked)
            return response.status
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code in (401, 403, 429):
            raise LRSUnavailable(f"HTTP {exc.code}") from exc
        if exc.code == 409:  # the same id with other content: stored before, never again
            return 409
        raise ValueError(f"HTTP {exc.code}") from exc
    except (OSError, urllib.error.URLError) as exc:
        raise LRSUnavailable(str(exc)) from exc
