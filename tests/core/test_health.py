"""/health/live and /health/ready for load balancers (issue #27): unauthenticated JSON without
personal data, 200 or 503, answered before the host check and the SSL redirect."""

import json

import pytest
from django.test import Client, override_settings

from glans_learning.core import health
from glans_learning.core.tasks import outbox_add

pytestmark = pytest.mark.django_db


def test_live_answers_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies


def test_ready_checks_database_cache_storage_broker_and_outbox():
    response = Client().get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "broker", "outbox"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["glans.example.org"])
def test_a_probe_over_http_with_the_nodes_address_is_answered():
    """A load balancer probes http://10.0.0.5:8000/health/ready: no redirect to https, no 400
    for an unknown Host; other paths still get both."""
    client = Client(HTTP_HOST="10.0.0.5:8000")
    assert client.get("/health/ready").status_code == 200
    assert client.get("/health/live").status_code == 200
    assert client.get("/").status_code == 400
    ok_host = Client(HTTP_HOST="glans.example.org")
    assert ok_host.get("/").status_code == 301


@pytest.mark.parametrize("name", ["database", "cache", "storage"])
def test_a_dependency_away_makes_the_node_unready(monkeypatch, name):
    def away():
        raise ConnectionRefusedError("gone")

    monkeypatch.setitem(health.REQUIRED, name, away)
    response = Client().get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unready"
    assert body["checks"][name] == {"status": "error", "error": "ConnectionRefusedError"}


def test_a_broker_away_or_a_backlog_is_reported_but_keeps_the_node_in(monkeypatch):
    """Requests write background work to the outbox; the broker and the backlog are shared by
    every node, so they degrade the answer but do not take the nodes out."""

    def away():
        raise ConnectionRefusedError("gone")

    monkeypatch.setattr(health, "check_broker", away)
    outbox_add(task_name="glans_learning.core.tasks.drain_outbox", args=[], kwargs={})
    with override_settings(GLANS_OUTBOX_ALERT_MINUTES=-1):
        response = Client().get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["outbox"]["status"] == "warning"
    assert body["checks"]["outbox"]["stale"] >= 1


def test_no_personal_data_in_the_answer(teacher):
    text = json.dumps(Client().get("/health/ready").json())
    assert teacher.email not in text and teacher.username not in text
    assert "@" not in text
