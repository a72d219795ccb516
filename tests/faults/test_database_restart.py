"""PostgreSQL restarted during a burst of requests against the running site (runserver, real
HTTP, loopback): a request that fails gets a translated 503 "try again" — never a 500 and
never a half-written change — and the site recovers without being restarted."""

import http.client
import os
import threading
import time
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client

from glans_learning.courses import services as course_services
from glans_learning.courses.models import (
    LessonPage,
    LessonProgress,
    ProgrammeCompletion,
    SessionRegistration,
)
from tests.courses.test_progress_support import current_year
from tests.factories import person
from tests.faults.harness import WebServer, database_url, restart_postgres
from tests.faults.test_broker_faults import make_session, programme  # noqa: F401

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

CSRF = "k" * 32


def request(port, method, path, session_key):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"sessionid={session_key}; csrftoken={CSRF}"}
    body = None
    if method == "POST":
        body = urlencode({"csrfmiddlewaretoken": CSRF})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


@pytest.fixture
def web(tmp_path):
    server = WebServer(db_url=database_url(connection), log=tmp_path / "web.log")
    yield server
    server.stop()


def test_a_postgres_restart_during_a_burst_is_a_503_and_the_site_recovers(
    web,
    programme,  # noqa: F811
    zonnebloem,
):
    if not os.environ.get("GLANS_TEST_PG_CTL"):
        pytest.skip("needs the PostgreSQL cluster of scripts/with-services.sh to restart")
    if os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") != "1":
        pytest.skip("a restart would cut the other test workers' connections too")
    current_year()
    session = make_session(programme)
    lesson = LessonPage.objects.descendant_of(programme).get()
    learners = []
    for i in range(6):
        user = person(f"deelnemer{i}", unit=zonnebloem)
        course_services.enrol(user=user, programme=programme, by=user)
        client = Client()
        client.force_login(user)
        learners.append((user, client.cookies["sessionid"].value))
    web.start()
    actions = [
        ("POST", f"/leren/bijeenkomsten/{session.pk}/aanmelden/"),
        ("POST", f"/leren/les/{lesson.pk}/afgerond/"),
        ("GET", "/leren/mijn-leerroute/"),
    ]
    results, stop = [], threading.Event()

    def traffic(key):
        while not stop.is_set():
            for method, path in actions:
                results.append((path, *request(web.port, method, path, key)))

    threads = [threading.Thread(target=traffic, args=(key,)) for _user, key in learners[:4]]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    assert restart_postgres()
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    connection.close()  # this process's connection was cut by the restart too

    statuses = [status for _path, status, _body in results]
    assert 500 not in statuses
    assert set(statuses) <= {200, 302, 503}
    unavailable = [body for _path, status, body in results if status == 503]
    assert unavailable, "no request saw the restart"
    assert all("opnieuw" in body for body in unavailable)

    # Recovered without a restart of the site: every learner, including two that sent
    # nothing during the burst, registers and finishes now.
    for _user, key in learners:
        for method, path in actions:
            status, _body = request(web.port, method, path, key)
            assert status in {200, 302}
    # Nothing half-written: one registration and one completed lesson and programme each.
    assert SessionRegistration.objects.filter(session=session).count() == len(learners)
    assert LessonProgress.objects.filter(lesson=lesson, status="completed").count() == len(learners)
    assert ProgrammeCompletion.objects.filter(programme=programme).count() == len(learners)
