"""One `celery beat` in a cluster never sends twice (issue #27): the production settings use
RedBeat, whose lock in Redis lets a second beat (a redeploy that overlaps, a second node that
was given beat by mistake) wait until the first is gone. Two real beat processes prove it.
The tasks beat sends are idempotent besides (tests/core/test_outbox.py: a drain sends each row
once; tests/courses/test_progress_dashboards.py and tests/certification/test_upkeep.py: a
reminder run twice mails once)."""

import re

import pytest

from tests.faults.harness import Beat, RedisServer, wait_for
from tests.integration.test_two_nodes import node_env

pytestmark = [pytest.mark.postgres_only, pytest.mark.integration, pytest.mark.django_db]

SENT = re.compile(r"Sending due task glans-outbox-drain")


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def sends(beat) -> int:
    return len(SENT.findall(beat.log.read_text()))


def test_a_second_beat_waits_for_the_lock_and_takes_over_when_the_first_is_gone(tmp_path, redis):
    from django.db import connection

    from tests.faults.harness import database_url

    env = node_env(
        db_url=database_url(connection),
        redis=redis,
        s3_url="http://127.0.0.1:9",
        mail_dir=tmp_path,
    )
    beats = []
    try:
        for name in ("first", "second"):
            workdir = tmp_path / name
            workdir.mkdir()
            beat = Beat(
                db_url=env["DATABASE_URL"], broker_url=redis.url, mail_dir=tmp_path, workdir=workdir
            )
            beat.env.update(env)
            beats.append(beat.start())
        first, second = beats
        # The drain is due every second: after a few, only one beat has sent any.
        wait_for(lambda: sends(first) + sends(second) >= 4, timeout=120, what="beat's sends")
        holder, waiting = (first, second) if sends(first) else (second, first)
        assert sends(waiting) == 0
        assert "Acquired lock" in holder.log.read_text()
        assert "Acquired lock" not in waiting.log.read_text()
        # The holder stops (its lock is released); the other takes over.
        holder.stop()
        wait_for(lambda: sends(waiting) >= 2, timeout=120, what="the second beat to take over")
        assert "Acquired lock" in waiting.log.read_text()
    finally:
        for beat in beats:
            beat.stop()
