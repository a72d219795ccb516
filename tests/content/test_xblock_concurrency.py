"""Concurrent exercise handler calls: shared (summary) rows are created once and locked,
so no vote is lost; SQLite takes its write lock up front instead of failing."""

import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import IntegrityError, connection
from django.test import Client

from glans_learning.content.xblocks.models import XBlockState
from tests.content.test_xblocks import POLL, add_exercise
from tests.factories import person

pytest.importorskip("xblock")


def test_sqlite_databases_begin_immediately_and_wait_for_the_lock(monkeypatch, tmp_path):
    from glans_site.settings.env import database_from_env

    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env(tmp_path / "db.sqlite3")
    assert config["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite3")
    assert database_from_env(tmp_path / "x")["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@localhost/glans")
    assert "transaction_mode" not in database_from_env(tmp_path / "x").get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def _store(user, usage_id):
    from glans_learning.content.xblocks.runtime import StateStore

    return StateStore(
        user=user, usage_id=usage_id, block_type="poll", persist=True, lock=True, shared=True
    )


@pytest.mark.django_db
def test_the_shared_row_is_created_once_even_when_a_creation_races(teacher):
    store = _store(teacher, "p1-abc")
    store._ensure_shared_row()
    store._ensure_shared_row()
    assert XBlockState.objects.filter(user=None, key="p1-abc").count() == 1

    real = XBlockState.objects.get_or_create
    calls = []

    def racing(*args, **kwargs):
        # The first attempt loses the race: another request created the row meanwhile.
        calls.append(1)
        if len(calls) == 1:
            real(*args, **kwargs)
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(*args, **kwargs)

    with mock.patch.object(XBlockState.objects, "get_or_create", side_effect=racing):
        _store(teacher, "p1-def")._ensure_shared_row()
    assert len(calls) == 2
    assert XBlockState.objects.filter(user=None, key="p1-def").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_are_all_counted(loaded_fixture, zonnebloem):
    from glans_learning.courses import services
    from tests.courses.test_progress_support import current_year, proef

    current_year()
    lesson = loaded_fixture["lesson"]
    usage_id = add_exercise(lesson, "poll", POLL)
    voters = [person(f"stemmer{i}", unit=zonnebloem, roles=["learner"]) for i in range(4)]
    for voter in voters:
        services.enrol(user=voter, programme=proef(), by=voter)
    barrier = threading.Barrier(len(voters))
    errors = []

    def vote(voter):
        try:
            client = Client()
            client.force_login(voter)
            barrier.wait(timeout=30)
            response = client.post(
                f"/xblock/{usage_id}/handler/vote/",
                '{"choice": "vaak"}',
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
        except Exception as exc:  # re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(v,)) for v in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    summary = XBlockState.objects.get(user=None, key=usage_id)
    assert summary.state["tally"]["vaak"] == len(voters)
