"""In Chromium, as people would: the instructor places a GLANS lesson in the platform's course
(deep linking), the learner opens it inside the platform's page (an iframe), does the lesson,
and the grade appears once in the platform's gradebook."""

import pytest

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_instructor_places_a_lesson_and_the_learner_completes_it_inside_the_platform(
    platform, tool, browser
):
    from glans_learning.courses.models import LessonPage

    lesson = LessonPage.objects.descendant_of(tool.programme).live().order_by("path").first()

    instructor = browser.new_context(locale="nl-NL").new_page()
    instructor.goto(f"{platform.base}/course?user=teacher-1&mode=list")
    instructor.get_by_role("link", name="GLANS-inhoud toevoegen").click()
    instructor.get_by_role("heading", name="GLANS-onderdelen plaatsen in je cursus").wait_for()
    instructor.get_by_label(lesson.title, exact=True).check()
    instructor.get_by_role("button", name="Plaatsen in mijn cursus").click()
    instructor.wait_for_url(f"{platform.base}/course**")
    assert instructor.get_by_role("link", name=lesson.title).is_visible()

    learner = browser.new_context(locale="nl-NL").new_page()
    learner.goto(f"{platform.base}/course?user=learner-1")
    frame = learner.frame_locator("iframe")
    frame.get_by_role("heading", name=lesson.title, level=1).wait_for()
    frame.get_by_label("Jouw antwoord (alleen jij ziet dit)").fill(
        "Ik neem mee dat elke ouder ervaringsdeskundige is van het eigen kind."
    )
    frame.get_by_role("button", name="Antwoord opslaan").click()
    frame.get_by_role("button", name="Antwoord bijwerken").wait_for()
    frame.get_by_role("radio", name="Deze").check()
    frame.get_by_role("button", name="Controleer").click()
    frame.get_by_text("Goed.").first.wait_for()

    scores = wait_for(lambda: platform.state()["scores"])
    assert [(s["userId"], s["scoreGiven"]) for s in scores] == [("learner-1", 100.0)]
