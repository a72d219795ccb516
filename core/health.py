"""Health checks for load balancers and orchestrators (docs/deploy.md).

GET /health/live: the process answers (no dependency is touched): restart the node if not.
GET /health/ready: this node can serve: the database, the cache and the media storage answer.
The broker and the outbox backlog are reported too but do not take the node out: requests
write background work to the outbox in the database, so a broker that is away (or workers
that fall behind) delays mail, not pages; and every node shares them, so taking nodes out for
them would turn a delay into an outage of the whole site.

Unauthenticated, JSON, no personal data: only check names, "ok"/"error", an error's class
name and counts. Answered by a middleware placed first, before the host check, the SSL
redirect, sessions and the locale, so a probe over plain HTTP with a node's own address as
Host gets its answer (and the probe creates no session).
"""

import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse

from glans_learning.core.tasks import broker_configured, outbox_backlog

LIVE_PATH = "/health/live"
READY_PATH = "/health/ready"
PROBE_NAME = "glans-health-probe"


def _check(function) -> dict:
    started = time.monotonic()
    try:
        detail = function() or {}
    except Exception as exc:  # any failure of a dependency is a failed check
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1), **detail}


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    value = str(time.monotonic())
    cache.set(PROBE_NAME, value, 30)
    if cache.get(PROBE_NAME) != value:
        raise RuntimeError("cache did not keep a value")


def check_storage():

    # A lookup of a name that need not exist: a round trip to the store (a HEAD request on
    # object storage), no write. Errors (unreachable, refused, no bucket) raise.
    default_storage.exists(f"{PROBE_NAME}/probe")


def check_broker():
    if not broker_configured():
        return {"configured": False}

    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)
    return {}


def _outbox():
    backlog = outbox_backlog()
    return {
        "status": "warning" if backlog["stale"] else "ok",
        "pending": backlog["pending"],
        "stale": backlog["stale"],
        "oldest_age_minutes": backlog["oldest_age_minutes"],
    }


REQUIRED = {"database": check_database, "cache": check_cache, "storage": check_storage}


def live(request):
    return _json({"status": "ok"}, 200)


def ready(request):
    checks = {name: _check(function) for name, function in REQUIRED.items()}
    checks["broker"] = _check(check_broker)
    if checks["database"]["status"] == "ok":
        try:
            checks["outbox"] = _outbox()
        except Exception as exc:
            checks["outbox"] = {"status": "error", "error": exc.__class__.__name__}
    else:
        checks["outbox"] = {"status": "error", "error": "database"}
    ready = all(checks[name]["status"] == "ok" for name in REQUIRED)
    degraded = any(check["status"] != "ok" for check in checks.values())
    status = "ok" if not degraded else ("degraded" if ready else "unready")
    return _json({"status": status, "checks": checks}, 200 if ready else 503)


def _json(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers GET/HEAD /health/live and /health/ready first (see the module's text). Put it
    first in MIDDLEWARE; the paths are fixed, so no host check applies to them."""

    views = {LIVE_PATH: live, READY_PATH: ready}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.views.get(request.path_info.rstrip("/") or "/")
        if view is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not getattr(settings, "GLANS_HEALTH_CHECKS", True):
            return self.get_response(request)
        return view(request)
