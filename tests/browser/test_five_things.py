"""Issue #25's five things in a real browser: each journey, and the privacy rules."""

import pytest

from glans_learning.measurement.models import Rating
from tests.browser.test_learner_flow import login
from tests.conftest import FIXTURE_MATERIAL
from tests.measurement import conftest as measurement_fixtures

# The oudervolgsysteem's fixtures (a school year, groups with families, an open moment).
year = measurement_fixtures.year
school = measurement_fixtures.school

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _material():
    from glans_learning.content.material import load_material
    from glans_learning.courses.material_loader import load

    load(load_material(FIXTURE_MATERIAL / "oefeningen"))


def test_dof_opens_the_practice_panel_and_the_step_is_recorded(
    live_server, page, settings, school, teacher
):
    settings.GLANS_PRACTICE_STEP_SLUGS = ("sorteren",)
    _material()
    base = live_server.url
    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}/meten/groep/{school['group'].pk}/")
    panel = page.locator("#practice")
    assert panel.is_hidden()
    row = page.locator("tr[data-code]").first
    code = row.get_attribute("data-code")
    row.get_by_role("radio", name="dof").click()
    panel.wait_for(state="visible")
    # The lesson step and the conversation exercise are right there, to rehearse first.
    assert panel.get_by_role("link", name="Oefenles").is_visible()
    assert page.locator("#practice-code").input_value() == code
    page.wait_for_function("document.querySelectorAll('tr.is-saving').length === 0")
    page.get_by_label("Volgende stap", exact=True).last.select_option("make")
    page.get_by_label("Geoefend met").select_option("oefenles")
    page.get_by_role("button", name="Stap vastleggen bij de waardering").click()
    page.get_by_text("De volgende stap is bij de waardering vastgelegd.").wait_for()
    rating = Rating.objects.get(relationship__family__code=code, moment=school["moment"])
    assert (rating.value, rating.next_step, rating.practised_lesson) == (
        "negative",
        "make",
        "oefenles",
    )
