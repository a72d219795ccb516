"""Issue #25's five things in a real browser: each journey, and the privacy rules."""

import pytest

from glans_learning.measurement.models import Rating
from tests.browser.test_learner_flow import login
from tests.browser.waiting import wait_until
from tests.conftest import FIXTURE_MATERIAL
from tests.courses import test_live_session as live_fixtures
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
    wait_until(page, "document.querySelectorAll('tr.is-saving').length === 0")
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


def test_three_to_one_week_opt_in_tick_off_and_private_streak(
    live_server, page, browser, school, teacher, director
):
    from glans_learning.measurement import services
    from tests.measurement.conftest import codes

    neutral = codes(school["group"])[:2]
    services.rate_group(
        user=teacher,
        moment=school["moment"],
        ratings=[{"relationship": code, "rating": "neutral"} for code in neutral],
    )
    base = live_server.url
    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}/meten/groep/{school['group'].pk}/")
    assert page.locator("#appreciation").count() == 0  # opt-in: nothing before
    page.goto(f"{base}/accounts/profiel/")
    page.get_by_label("alleen op mijn overzicht").check()
    page.locator("#h-3op1 ~ form").get_by_role("button", name="Opslaan").click()
    page.get_by_text("Je keuze voor de 3-op-1-week is opgeslagen.").wait_for()

    page.goto(f"{base}/meten/groep/{school['group'].pk}/")
    week = page.locator("#appreciation")
    for code in neutral:
        week.get_by_role("button", name=f"{code}: bericht verstuurd").click()
        page.wait_for_load_state()
    assert "Deze week 2 van 2" in page.locator("#appreciation").inner_text()
    assert "1 week vol" in page.locator("#appreciation").inner_text()
    page.goto(f"{base}/meten/")
    assert "Deze week 2 van 2" in page.locator("main").inner_text()

    # Nobody else sees it: not the director on the school's pages.
    other = browser.new_context(locale="nl-NL").new_page()
    login(other, base, "directeur.zonnebloem")
    other.goto(f"{base}/meten/school/{school['unit'].pk}/")
    assert "3-op-1" not in other.content()


def test_turnaround_quietly_on_the_teachers_own_page(
    live_server, page, browser, school, teacher, director
):
    from tests.measurement.test_five_things import a_year_ago

    code = a_year_ago(school, teacher, note="Moeder voelde zich niet gehoord")
    base = live_server.url
    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}/meten/")
    section = page.locator("section.turnarounds")
    assert f"Een jaar geleden stond gezin {code} bij jou op dof" in section.inner_text()
    assert "Moeder voelde zich niet gehoord" in section.inner_text()
    other = browser.new_context(locale="nl-NL").new_page()
    login(other, base, "directeur.zonnebloem")
    other.goto(f"{base}/meten/")
    assert other.locator("section.turnarounds").count() == 0


def test_year_report_page_and_pdf_for_parents_and_the_mr(
    live_server, page, school, teacher, director
):
    from glans_learning.core.pdf import pdf_available
    from glans_learning.measurement.services import rate_group as services_rate
    from tests.measurement.conftest import codes

    family_codes = codes(school["group"])
    services_rate(
        user=teacher,
        moment=school["moment"],
        ratings=[{"relationship": code, "rating": "positive"} for code in family_codes],
    )
    base = live_server.url
    login(page, base, "directeur.zonnebloem")
    page.goto(f"{base}/certificering/school/{school['unit'].pk}/")
    page.get_by_role("link", name="Glans-jaarverslag voor ouders en MR").click()
    main = page.locator("main").inner_text()
    assert "100%" in main and "Hoeveel relaties glanzen?" in main
    assert not any(code in main for code in family_codes)
    assert "Kind" not in main  # labels never
    if pdf_available():
        with page.expect_download() as download:
            page.get_by_role("link", name="Download als PDF om te delen").click()
        assert download.value.suggested_filename.endswith(".pdf")


live_guide = live_fixtures.live_guide
live = live_fixtures.live


def test_team_session_from_the_projector_with_phones(
    live_server, page, browser, live, live_guide, tdt_teacher, teacher
):
    from glans_learning.courses.models import SessionRegistration

    base = live_server.url
    login(page, base, "trainer.zonnebloem")
    page.goto(f"{base}/leren/bijeenkomsten/{live.pk}/")
    page.get_by_role("link", name="Presenteren met code voor het team").click()
    panel = page.locator("#live")
    assert panel.locator("svg").count() == 1  # the QR
    code = panel.locator(".live-code-text").inner_text()

    phone = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 812}).new_page()
    login(phone, base, "leraar.zonnebloem")
    phone.goto(f"{base}/leren/erbij/")
    phone.get_by_label("Code van het scherm").fill(code.lower())
    phone.get_by_role("button", name="Verder").click()
    phone.get_by_role("button", name="Ik ben er").click()
    phone.get_by_text("Gemeld. De trainer bevestigt wie er is.").first.wait_for()
    assert not SessionRegistration.objects.filter(session=live, user=teacher).exists()
    phone.locator("section", has_text="Case 1").get_by_role("button", name="neutraal").click()
    phone.get_by_text("Je antwoord telt mee, zonder je naam.").wait_for()

    # The spread appears on the projector (polling), without names.
    wait_until(
        page,
        "document.querySelector('#live-spread td[data-value=neutral]')"
        " && document.querySelector('#live-spread td[data-value=neutral]').textContent === '1'",
    )
    assert "leraar" not in page.locator("#live-spread").inner_text()
    page.reload()
    page.get_by_label(teacher.get_full_name() or teacher.get_username()).check()
    page.get_by_role("button", name="Aanwezigheid bevestigen").click()
    page.get_by_text("1 aanwezigen bevestigd.").wait_for()
    assert SessionRegistration.objects.get(session=live, user=teacher).attendance == "present"
