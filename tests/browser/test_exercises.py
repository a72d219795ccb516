"""Interactive exercises in a real browser: a learner votes in a poll, writes a free-text
answer and works through a conversation scenario, and the module shows the lesson as done;
drag-and-drop places an item and gives feedback."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.browser.test_learner_flow import login
from tests.browser.waiting import wait_until
from tests.conftest import FIXTURE_MATERIAL
from tests.factories import SchoolYearFactory

pytest.importorskip("xblock")

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def exercise_programme(db):
    from glans_learning.content.material import load_material
    from glans_learning.courses.material_loader import load
    from glans_learning.courses.models import ProgrammePage

    today = timezone.localdate()
    SchoolYearFactory(
        label="nu",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=300),
    )
    load(load_material(FIXTURE_MATERIAL / "oefeningen"))
    return ProgrammePage.objects.get(slug="oefenproef")


def handler(name):
    """Waits for one handler call (SQLite in tests: one request at a time)."""
    return lambda response: f"/handler/{name}/" in response.url


def exercise(page, block_type):
    return page.locator(f'.xblock[data-block-type="{block_type}"]')


def test_a_learner_completes_the_exercises_of_a_lesson(
    live_server, page, teacher, exercise_programme
):
    from glans_learning.courses.models import ActivityResponse, LessonPage, LessonProgress

    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}{exercise_programme.url}")
    page.get_by_role("button", name="Inschrijven").click()
    page.get_by_text("Je bent ingeschreven").wait_for()

    lesson = LessonPage.objects.get(slug="oefenles")
    page.goto(f"{base}{lesson.url}")

    # The poll: pick an answer and submit; the results come back from the server.
    poll = exercise(page, "poll")
    poll.get_by_text("Elke week").click()
    with page.expect_response(handler("vote")) as vote:
        poll.locator("button.submit").click()
    assert vote.value.json()["success"] is True
    poll.locator(".poll-results").wait_for()

    # Free text: write an answer long enough and submit it.
    free_text = exercise(page, "freetextresponse")
    free_text.locator("textarea").fill("Ik belde eerst de vader en daarna de moeder.")
    with page.expect_response(handler("submit")) as submitted:
        free_text.locator("button.check").click()
    assert submitted.value.ok

    # The conversation: one step, the inviting answer ends it with full marks.
    conversation = exercise(page, "glans-conversation")
    with page.expect_response(handler("choose")) as chosen:
        conversation.get_by_role("button", name=re.compile("^Fijn dat u er bent")).click()
    assert chosen.value.ok
    conversation.get_by_text("Gesprek afgerond").wait_for()
    assert "100%" in conversation.inner_text()

    # The module page counts the lesson as done.
    page.goto(f"{base}{lesson.get_parent().url}")
    page.get_by_text("1 van 2 lessen afgerond").wait_for()
    assert LessonProgress.objects.get(user=teacher, lesson=lesson).completed_at is not None
    assert ActivityResponse.objects.filter(user=teacher, lesson=lesson).count() == 3
    assert not errors, errors


def test_drag_and_drop_places_an_item_with_feedback(live_server, page, teacher, exercise_programme):
    from drag_and_drop_v2.default_data import DEFAULT_DATA

    from glans_learning.content.xblocks.models import XBlockState
    from glans_learning.courses import services
    from glans_learning.courses.models import LessonPage

    services.enrol(user=teacher, programme=exercise_programme, by=teacher)
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, "leraar.zonnebloem")
    lesson = LessonPage.objects.get(slug="sorteren")
    page.goto(f"{base}{lesson.url}")

    dnd = exercise(page, "drag-and-drop-v2")
    item = dnd.locator(".option").first
    item.wait_for()
    zone = dnd.locator(".zone").first
    with page.expect_response(handler("drop_item")) as dropped:
        item.drag_to(zone)
    assert dropped.value.ok
    first_item = DEFAULT_DATA["items"][0]
    dnd.get_by_text(str(first_item["feedback"]["correct"])).first.wait_for()
    wait_until(
        page,
        "() => document.querySelectorAll('.xblock[data-block-type=drag-and-drop-v2] "
        ".zone .option').length > 0",
    )
    row = XBlockState.objects.get(user=teacher, scope=XBlockState.Scope.USER_STATE)
    assert row.state["item_state"]
    assert not errors, errors


def test_poll_and_drag_and_drop_speak_dutch(live_server, page, teacher, exercise_programme):
    """Issue #24 §3: the community blocks' buttons and labels in a Dutch lesson are Dutch
    (server strings and the strings their JavaScript draws)."""
    from glans_learning.courses import services
    from glans_learning.courses.models import LessonPage

    services.enrol(user=teacher, programme=exercise_programme, by=teacher)
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}{LessonPage.objects.get(slug='oefenles').url}")
    poll = exercise(page, "poll")
    assert poll.locator("button.submit").inner_text().strip() == "Versturen"
    poll.get_by_text("Elke week").click()
    with page.expect_response(handler("vote")):
        poll.locator("button.submit").click()
    header = poll.locator(".poll-results-wrapper h4.poll-header")
    header.wait_for()
    assert header.inner_text().strip().lower() == "uitkomst"
    assert "Results" not in poll.inner_text() and "RESULTS" not in poll.inner_text()

    page.goto(f"{base}{LessonPage.objects.get(slug='sorteren').url}")
    dnd = exercise(page, "drag-and-drop-v2")
    dnd.locator(".option").first.wait_for()
    text = dnd.inner_text()
    assert "Hulp bij het toetsenbord" in text
    assert "Keyboard Help" not in text and "(ungraded)" not in text
    assert re.search(r"punt(en)? te halen|punt(en)? \(", text), text
    assert not errors, errors
