"""The Content-Security-Policy holds in a real browser (issue #23 §6): the Wagtail admin
(with an edit form: inline panels and date widgets), a lesson with every kind of exercise
(the poll's results use Handlebars, i.e. eval), and the API docs (vendored Swagger UI) run
without a single CSP violation."""

import re

import pytest

from tests.browser.test_exercises import exercise, exercise_programme, handler  # noqa: F401
from tests.browser.test_learner_flow import login

pytest.importorskip("xblock")

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RECORD = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _watch(page):
    console = []
    page.add_init_script(RECORD)
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if re.search(r"Content Security Policy", message.text, re.I)
            else None
        ),
    )
    return console


def _violations(page, console):
    return console + page.evaluate("window.__cspViolations || []")


def test_no_csp_violation_in_admin_exercises_and_api_docs(
    live_server,
    page,
    teacher,
    director,
    exercise_programme,  # noqa: F811
):
    from glans_learning.courses.models import LessonPage

    base = live_server.url
    console = _watch(page)
    seen = []

    login(page, base, "directeur.zonnebloem")
    response = page.goto(f"{base}/admin/")
    assert "script-src" in (response.headers.get("content-security-policy") or "")
    page.wait_for_load_state("networkidle")
    seen += _violations(page, console)
    page.goto(f"{base}/admin/glans_sessions/add/")
    page.wait_for_load_state("networkidle")
    seen += _violations(page, console)

    page.goto(f"{base}/api/v1/docs")
    page.locator(".swagger-ui .info").wait_for()
    page.wait_for_load_state("networkidle")
    seen += _violations(page, console)

    page.context.clear_cookies()
    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}{exercise_programme.url}")
    page.get_by_role("button", name="Inschrijven").click()
    page.get_by_text("Je bent ingeschreven").wait_for()
    lesson = LessonPage.objects.get(slug="oefenles")
    response = page.goto(f"{base}{lesson.url}")
    assert "'unsafe-eval'" in response.headers["content-security-policy"]  # the poll
    page.wait_for_load_state("networkidle")
    seen += _violations(page, console)
    assert not seen, seen
    poll = exercise(page, "poll")
    poll.get_by_text("Elke week").click()
    with page.expect_response(handler("vote")):
        poll.locator("button.submit").click()
    poll.locator(".poll-results").wait_for()
    conversation = exercise(page, "glans-conversation")
    conversation.get_by_role("button", name=re.compile("^Fijn dat u er bent")).click()
    conversation.get_by_text("Gesprek afgerond").wait_for()
    page.wait_for_load_state("networkidle")
    seen += _violations(page, console)
    assert not seen, seen
