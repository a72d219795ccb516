"""Concurrent requests of one learner never lose an update or count a completion twice
(PostgreSQL: real row locks, one connection per thread)."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from glans_learning.courses.models import (
    ActivityAttempt,
    ActivityResponse,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ProgrammeCompletion,
)
from tests.builders import build_programme
from tests.factories import SchoolYearFactory, person

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_concurrently(n, work):
    barrier = threading.Barrier(n)
    errors = []

    def runner(i):
        try:
            barrier.wait(timeout=30)
            work(i)
        except Exception as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


@pytest.fixture
def setup(tmp_path, zonnebloem):
    today = timezone.localdate()
    year = SchoolYearFactory(
        label="nu",
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=300),
    )
    programme = build_programme(tmp_path, slug="samen", modules=1, lessons_per_module=1)
    learner = person("gelijktijdig", unit=zonnebloem)
    Enrollment.objects.create(user=learner, programme=programme, school_year=year, unit=zonnebloem)
    lesson = LessonPage.objects.descendant_of(programme).get()
    blocks = {child.block_type: child.id for child in lesson.body}
    return programme, learner, lesson, blocks


def test_concurrent_answers_complete_once(setup):
    programme, learner, lesson, blocks = setup
    first = Client()
    first.force_login(learner)
    first.post(
        f"/leren/activiteit/{lesson.pk}/{blocks['reflection']}/",
        {"answer": "Mijn antwoord, lang genoeg"},
    )

    def submit(i):
        client = Client()
        client.force_login(learner)
        response = client.post(
            f"/leren/activiteit/{lesson.pk}/{blocks['knowledge_check']}/", {"choice": "0"}
        )
        assert response.status_code == 302

    run_concurrently(6, submit)
    answer = ActivityResponse.objects.get(user=learner, block_id=blocks["knowledge_check"])
    # The block allows one attempt: exactly one of the concurrent answers counts, and it is
    # the one recorded (no second attempt slips through).
    assert answer.attempts == 1
    assert (
        ActivityAttempt.objects.filter(user=learner, block_id=blocks["knowledge_check"]).count()
        == 1
    )
    assert ActivityResponse.objects.filter(user=learner, lesson=lesson).count() == 2
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert progress.status == "completed"
    assert ModuleCompletion.objects.filter(user=learner).count() == 1
    assert ProgrammeCompletion.objects.filter(user=learner, programme=programme).count() == 1


def test_concurrent_visits_make_one_visit_and_one_row(setup):
    """Requests within the visit window are one visit, however they interleave."""
    programme, learner, lesson, blocks = setup

    def visit(i):
        client = Client()
        client.force_login(learner)
        assert client.get(lesson.url).status_code == 200

    run_concurrently(8, visit)
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert progress.visits == 1
    assert LessonProgress.objects.filter(user=learner).count() == 1
    assert Enrollment.objects.get(user=learner).last_activity_at is not None
