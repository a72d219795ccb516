"""xAPI "launched", "experienced" and "answered": one statement per source event (stable
uuid5 ids), no names of people, written after commit so the lesson page runs no extra query."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from glans_learning.content.xblocks.models import LearningRecord as ExerciseEvent
from glans_learning.courses import services
from glans_learning.courses.models import Enrollment
from glans_learning.credentials import tasks, xapi
from glans_learning.credentials.models import LearningRecord
from tests.courses.test_progress_support import answer, current_year, lesson, proef

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(loaded_fixture, teacher):
    current_year()
    services.enrol(user=teacher, programme=proef(), by=teacher)
    return teacher


def statements(user, verb):
    return [
        json.loads(r.statement)
        for r in LearningRecord.objects.filter(user=user, verb=verb).order_by("created_at")
    ]


def test_first_lesson_launches_the_programme_once_and_each_lesson_is_experienced_once_a_day(
    learner, django_capture_on_commit_callbacks
):
    first, second = lesson("eerste-les"), lesson("tweede-les")
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_open(user=learner, lesson=first)
        services.lesson_open(user=learner, lesson=first)  # a reload: no new visit
        services.lesson_open(user=learner, lesson=second)
    launched = statements(learner, "launched")
    assert len(launched) == 1
    assert launched[0]["object"]["id"].endswith(f"/xapi/activities/programme/{proef().pk}")
    assert launched[0]["verb"]["id"] == xapi.VERBS["launched"]
    experienced = statements(learner, "experienced")
    assert [s["object"]["id"].rsplit("/", 1)[1] for s in experienced] == [
        str(first.pk),
        str(second.pk),
    ]
    # The actor is the pseudonymous account, as in every other statement: no name, no e-mail.
    for s in launched + experienced:
        assert s["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": xapi.base_url(), "name": str(learner.pk)},
        }
        assert learner.last_name not in json.dumps(s) and learner.email not in json.dumps(s)

    # A visit later the same day adds nothing; one the next day adds an "experienced".
    enrollment = Enrollment.objects.get(user=learner)
    now = timezone.now()
    tasks.record_lesson_visit(learner.pk, first.pk, enrollment.pk, now.isoformat())
    assert len(statements(learner, "experienced")) == 2
    tomorrow = now + datetime.timedelta(days=1)
    tasks.record_lesson_visit(learner.pk, first.pk, enrollment.pk, tomorrow.isoformat())
    tasks.record_lesson_visit(learner.pk, first.pk, enrollment.pk, tomorrow.isoformat())
    assert len(statements(learner, "experienced")) == 3
    assert len(statements(learner, "launched")) == 1


def test_knowledge_check_answers_are_answered_with_success_and_without_the_answer_text(
    learner, django_capture_on_commit_callbacks
):
    first = lesson("eerste-les")
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_open(user=learner, lesson=first)
        answer(learner, first, "knowledge_check", correct=False)
        answer(learner, first, "reflection")
    answered = statements(learner, "answered")
    assert len(answered) == 2
    check, reflection = answered
    assert check["result"] == {"success": False, "completion": True}
    assert check["object"]["definition"]["type"] == xapi.ACTIVITY_TYPES["question"]
    assert reflection["result"] == {"completion": True}
    assert "voldoende lengte" not in json.dumps(answered)
    # Running the task again for the same attempt changes nothing (stable ids).
    before = set(LearningRecord.objects.values_list("id", flat=True))
    from glans_learning.courses.models import ActivityAttempt

    for attempt in ActivityAttempt.objects.filter(user=learner):
        tasks.record_answer(attempt.pk)
    assert set(LearningRecord.objects.values_list("id", flat=True)) == before


def test_exercise_grades_are_answered_with_their_score(learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = ExerciseEvent.objects.create(
            user=learner,
            usage_id="les-1.block-2",
            block_type="drag-and-drop-v2",
            event_type="grade",
            data={"value": 3, "max_value": 4},
        )
        ExerciseEvent.objects.create(  # relayed from the browser: never a result
            user=learner,
            usage_id="les-1.block-2",
            block_type="drag-and-drop-v2",
            event_type="grade",
            data={"value": 4, "max_value": 4},
            trusted=False,
        )
        ExerciseEvent.objects.create(
            user=learner, usage_id="x", block_type="poll", event_type="xblock.poll.submitted"
        )
    (statement,) = statements(learner, "answered")
    assert statement["result"]["score"] == {"raw": 3.0, "min": 0, "max": 4.0, "scaled": 0.75}
    assert statement["result"]["success"] is False
    assert statement["id"] == str(xapi.statement_id(f"exercise-event:{event.pk}"))
    tasks.record_exercise_grade(event.pk)
    assert LearningRecord.objects.filter(verb="answered").count() == 1


def test_lesson_page_runs_no_extra_query_for_statements(client, learner):
    """The statements are written by a task after commit: opening a lesson (a recorded visit)
    costs the same queries with and without the receiver."""
    from glans_learning.courses.signals import lesson_visited
    from glans_learning.credentials import receivers

    first, second = lesson("eerste-les"), lesson("tweede-les")
    client.force_login(learner)
    client.get(first.url)  # warm caches

    def visit(page):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page.url).status_code == 200
        return len(ctx.captured_queries)

    with_receiver = visit(second)
    lesson_visited.disconnect(dispatch_uid="glans_credentials_visit")
    try:
        from glans_learning.courses.models import LessonProgress

        LessonProgress.objects.filter(user=learner, lesson=second).delete()
        without_receiver = visit(second)
    finally:
        lesson_visited.connect(receivers.on_lesson_visited, dispatch_uid="glans_credentials_visit")
    assert with_receiver == without_receiver
