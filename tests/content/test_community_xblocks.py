"""Unmodified community XBlocks the runtime had not seen before (issue #24 §3): a block that
grades itself while relaying a browser event (image-explorer), a display-only block
(google-document), one that keeps working as it did (submit-and-compare, max attempts), the
allow-list extended instead of replaced, and asset URLs in OLX rewritten."""

from html import escape

import pytest
from django.test import override_settings

from glans_learning.content.xblocks import (
    DEFAULT_XBLOCK_TYPES,
    allowed_types,
    reports_completion,
)
from glans_learning.content.xblocks.models import LearningRecord
from glans_learning.courses.completion import required_activities
from glans_learning.courses.models import ActivityResponse, LessonProgress
from tests.content.test_xblocks import add_exercise, call, strict_client

pytest.importorskip("xblock")
pytest.importorskip("image_explorer")
pytest.importorskip("submit_and_compare")
pytest.importorskip("google_drive")

EXTRA = ["image-explorer", "google-document", "submit-and-compare"]
IMAGE_EXPLORER_DATA = """<image_explorer schema_version='2'>
  <background src="/static/images/hotspot-sprite.png" />
  <description><p>Klik op de punten.</p></description>
  <hotspots>
    <hotspot x='10%' y='10%' item-id='a'><feedback><header><p>Ingang</p></header>
      <body><p>Hier wacht elke ouder.</p></body></feedback></hotspot>
    <hotspot x='50%' y='50%' item-id='b'><feedback><header><p>Hek</p></header>
      <body><p>Hier nemen ouders afscheid.</p></body></feedback></hotspot>
  </hotspots>
</image_explorer>"""
IMAGE_EXPLORER = (
    f'<image-explorer display_name="Het schoolplein" data="{escape(IMAGE_EXPLORER_DATA)}" />'
)
SUBMIT_AND_COMPARE = '<submit-and-compare display_name="Vergelijk" max_attempts="1" />'


def test_the_extra_setting_extends_the_defaults():
    with override_settings(GLANS_XBLOCK_EXTRA_TYPES=["image-explorer"]):
        assert allowed_types() == (*DEFAULT_XBLOCK_TYPES, "image-explorer")
    with override_settings(GLANS_XBLOCK_TYPES=["poll"], GLANS_XBLOCK_EXTRA_TYPES=["poll", "x"]):
        assert allowed_types() == ("poll", "x")


@override_settings(GLANS_XBLOCK_EXTRA_TYPES=EXTRA)
def test_a_block_that_grades_itself_while_relaying_an_event_completes(learner, lesson):
    usage_id = add_exercise(lesson, "image-explorer", IMAGE_EXPLORER)
    client = strict_client(learner)
    html = client.get(lesson.url).content.decode()
    assert 'data-block-type="image-explorer"' in html
    # The block's own image, named /static/… in the OLX, points at its public resources.
    assert 'src="/static/xblock/image-explorer/public/images/hotspot-sprite.png"' in html
    assert 'src="/static/images/hotspot-sprite.png"' not in html
    for item in ("a", "b"):
        response = call(
            client,
            usage_id,
            "publish_event",
            {"event_type": "xblock.image-explorer.hotspot.opened", "item_id": item},
        )
        assert response.status_code == 200, response.content
    # What the browser named is recorded as the browser's; the block's own grade counts.
    opened = LearningRecord.objects.filter(event_type="xblock.image-explorer.hotspot.opened")
    assert opened.count() == 2 and not opened.filter(trusted=True).exists()
    grades = LearningRecord.objects.filter(user=learner, event_type="grade")
    assert grades.count() == 2 and all(grades.values_list("trusted", flat=True))
    assert ActivityResponse.objects.filter(user=learner, kind="exercise").exists()
    assert LessonProgress.objects.filter(user=learner, lesson=lesson).exists()


@override_settings(GLANS_XBLOCK_EXTRA_TYPES=EXTRA)
def test_a_browser_naming_a_grade_through_that_block_is_still_distrusted(learner, lesson):
    usage_id = add_exercise(lesson, "image-explorer", IMAGE_EXPLORER)
    response = call(
        strict_client(learner),
        usage_id,
        "publish_event",
        {"event_type": "grade", "value": 1, "max_value": 1},
        lesson=lesson,
    )
    assert response.status_code == 200
    assert not LearningRecord.objects.filter(event_type="grade", trusted=True).exists()
    assert not ActivityResponse.objects.exists()


def test_required_follows_what_the_block_declares(lesson):
    with override_settings(GLANS_XBLOCK_EXTRA_TYPES=EXTRA):
        assert reports_completion("image-explorer")
        assert reports_completion("submit-and-compare")
        assert reports_completion("poll") and reports_completion("glans-appreciation")
        assert not reports_completion("google-document")  # display only
        add_exercise(lesson, "google-document", '<google-document display_name="Werkblad" />')
        lesson.refresh_from_db()
        exercises = [a for a in required_activities(lesson) if a["kind"] == "exercise"]
        assert not any(a["xblock_type"] == "google-document" for a in exercises)
    assert not reports_completion("image-explorer")  # not allowed here: never required


def test_an_exercise_this_site_cannot_run_does_not_keep_the_lesson_open(client, learner, lesson):
    add_exercise(lesson, "poll", '<poll question="Vraag?" />')
    lesson.refresh_from_db()
    assert any(a.get("xblock_type") == "poll" for a in required_activities(lesson))
    with override_settings(GLANS_XBLOCK_TYPES=["survey"]):
        assert not any(a.get("xblock_type") == "poll" for a in required_activities(lesson))
        client.force_login(learner)
        html = client.get(lesson.url).content.decode()
        assert "Ze telt niet mee voor het afronden van deze les." in html


@override_settings(GLANS_XBLOCK_EXTRA_TYPES=EXTRA)
def test_submit_and_compare_keeps_working_with_max_attempts(learner, lesson):
    usage_id = add_exercise(lesson, "submit-and-compare", SUBMIT_AND_COMPARE)
    client = strict_client(learner)
    answer = {"answer": "Met naam.", "action": "submit"}
    first = call(client, usage_id, "student_submit", answer, lesson=lesson)
    assert first.status_code == 200, first.content
    assert first.json()["success"] is True
    assert ActivityResponse.objects.filter(user=learner, kind="exercise").count() == 1
    assert LessonProgress.objects.filter(user=learner, lesson=lesson).exists()
    again = call(client, usage_id, "student_submit", {**answer, "answer": "Nog eens."})
    assert again.status_code == 200 and again.json()["success"] is False  # one attempt


def test_without_the_xblock_library_the_handler_says_not_available(learner, lesson, monkeypatch):
    from glans_learning.content.xblocks import views

    usage_id = add_exercise(lesson, "poll", '<poll question="Vraag?" />')
    monkeypatch.setattr(views, "xblock_installed", lambda: False)
    response = call(strict_client(learner), usage_id, "vote", {"choice": "x"}, lesson=lesson)
    assert response.status_code == 404
    assert response.json()["error"] == "Deze oefening is op deze site niet beschikbaar."
