"""A real Celery task through a real worker on a real Redis broker, against PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from glans_learning.courses.models import SessionRegistration

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
TASK = "glans_learning.courses.tasks.send_session_confirmation"


@pytest.fixture
def redis_url():
    url = os.environ.get("GLANS_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "GLANS_TEST_REDIS_URL is not set under CI=true (run through scripts/with-services.sh)"
            )
        pytest.skip("needs GLANS_TEST_REDIS_URL (scripts/with-services.sh starts Redis)")
    return url


@pytest.fixture
def worker(redis_url):
    settings_dict = connection.settings_dict
    database_url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "glans_site.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "glans_site",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_session_confirmation_runs_on_a_real_worker_once(worker, redis_url, teacher):
    import datetime

    from django.utils import timezone
    from wagtail.models import Page

    from glans_learning.courses.models import ProgrammeIndexPage, ProgrammePage, Session

    index = ProgrammeIndexPage(title="Leeraanbod", slug="leeraanbod-celery")
    Page.get_first_root_node().add_child(instance=index)
    programme = ProgrammePage(title="Workshop", slug="workshop", audience="workshop")
    index.add_child(instance=programme)
    start = timezone.now() + datetime.timedelta(days=3)
    session = Session.objects.create(
        programme=programme,
        title="Vragenuur",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        location="Utrecht",
    )
    registration = SessionRegistration.objects.create(session=session, user=teacher)

    # A client app of its own: the project's app may hold a producer pool from eager runs.
    client = Celery("glans-test-client", broker=redis_url, backend=redis_url)
    try:
        first = client.send_task(TASK, args=[registration.pk])
        assert first.get(timeout=60) is True
        second = client.send_task(TASK, args=[registration.pk])
        assert second.get(timeout=60) is False  # a retry never sends twice
    finally:
        client.close()
    registration.refresh_from_db()
    assert registration.confirmation_sent_at is not None
