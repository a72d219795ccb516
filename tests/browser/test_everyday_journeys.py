"""Issue #14's done-when, in a real browser: the teacher, the TdT trainer (the director as TdT
participant), the director and the academy trainer walk their main pages at 375×812 and
1280×800. On every page nothing scrolls sideways and axe-core (vendored in
tests/browser/vendor, injected from disk, never a CDN) finds no serious or critical
violation. One browser; one context per role, resized between the two viewports."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.test_learner_flow import login
from tests.conftest import FIXTURE_MATERIAL

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
VIEWPORTS = ({"width": 375, "height": 812}, {"width": 1280, "height": 800})
GUIDE_SOURCE = (
    Path(__file__).parents[2]
    / "content/material/train-de-trainer/02-l-lijn/04-trainershandleiding.md"
)

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def _world(zonnebloem, teacher, director, academy_trainer):
    """The fixture programme with a real trainer guide (the L of Lijn, with its timeline
    table), a team session running now, an academy session, answers for the logbook and a
    group to rate."""
    from glans_learning.content.material import load_material, parse_body, split_front_matter
    from glans_learning.courses import services, team_sessions
    from glans_learning.courses.material_loader import load
    from glans_learning.courses.models import LessonPage, ProgrammePage, Session
    from tests.courses.test_progress_support import current_year
    from tests.measurement.conftest import make_group, open_moment, teach

    year = current_year()
    load(load_material(FIXTURE_MATERIAL))
    programme = ProgrammePage.objects.get(slug="proef")
    guide = LessonPage.objects.get(slug="tweede-les")
    _meta, body = split_front_matter(GUIDE_SOURCE.read_text(encoding="utf-8"), "l-lijn.md")
    guide.body = [b for b in parse_body(body, "l-lijn.md") if b["type"] != "worksheet"]
    guide.save()
    for user in (teacher, director):
        services.enrol(user=user, programme=programme, by=user)
    first = LessonPage.objects.get(slug="eerste-les")
    reflection = next(a["id"] for a in first.activity_summary if a["kind"] == "reflection")
    services.activity_submit(
        user=teacher,
        lesson=first,
        block_id=reflection,
        answer="Ik vraag ouders eerst wat zij zien.",
    )
    team = team_sessions.team_session_plan(
        by=director,
        unit=zonnebloem,
        guide=guide,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        minutes=120,
        location="Teamkamer De Zonnebloem",
    )
    Session.objects.filter(pk=team.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    academy = Session.objects.create(
        programme=programme,
        title="TdT-bijeenkomst met een heel lange titel: Grondhoudingengesprekkenvoorbereiding",
        starts_at=timezone.now() - datetime.timedelta(minutes=30),
        ends_at=timezone.now() + datetime.timedelta(hours=2),
        location="Academie, Utrecht",
        school_year=year,
    )
    academy.trainers.add(academy_trainer)
    services.session_register(user=director, session=academy)
    group = make_group(zonnebloem, year, "Groep 5", 4)
    teach(teacher, group)
    open_moment(zonnebloem, year)
    return {
        "programme": programme,
        "first": first,
        "guide": guide,
        "team": team,
        "academy": academy,
        "group": group,
    }


def _walk(browser, base, username, paths) -> list[str]:
    problems = []
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    login(page, base, username)
    for path in paths:
        for viewport in VIEWPORTS:
            page.set_viewport_size(viewport)
            response = page.goto(f"{base}{path}")
            where = f"{username} {viewport['width']}px {path}"
            if response is None or response.status != 200:
                problems.append(f"{where}: HTTP {response.status if response else '?'}")
                continue
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                problems.append(f"{where}: scrolls sideways ({widths[0]} > {widths[1]} px)")
            if os.environ.get("GLANS_SCREENSHOTS"):  # a folder to look at the pages afterwards
                name = f"{username}-{viewport['width']}-{path.strip('/').replace('/', '_')}.png"
                page.screenshot(path=str(Path(os.environ["GLANS_SCREENSHOTS"]) / name))
            page.evaluate(AXE.read_text())  # not a script tag: the site's CSP refuses inline ones
            problems += [f"{where}: axe {v}" for v in page.evaluate(AXE_RUN)]
    context.close()
    return problems


# About two minutes: once per `make test`, in its PostgreSQL pass.
@pytest.mark.postgres_only
def test_everyday_journeys_fit_a_phone_and_pass_axe(
    live_server, browser, zonnebloem, teacher, director, academy_trainer
):
    w = _world(zonnebloem, teacher, director, academy_trainer)
    team, academy, guide = w["team"], w["academy"], w["guide"]
    unit = zonnebloem.pk
    journeys = {
        "leraar.zonnebloem": [
            "/leren/mijn-leerroute/",
            w["programme"].url,
            w["first"].url,
            "/leren/bijeenkomsten/",
            f"/leren/bijeenkomsten/{team.pk}/",
            "/leren/mijn-leerroute/logboek/",
            "/meten/",
            f"/meten/groep/{w['group'].pk}/",
        ],
        # The director as TdT participant: the guide, planning, presenting, the team's list.
        "directeur.zonnebloem": [
            guide.url,
            f"/leren/team/bijeenkomst-plannen/?handleiding={guide.pk}",
            f"/leren/bijeenkomsten/{team.pk}/",
            f"/leren/les/{guide.pk}/presenteren/",
            f"/leren/bijeenkomsten/{team.pk}/teamaanwezigheid/",
            "/leren/team/",
            f"/leren/team/{unit}/inschrijven/",
            "/leren/mijn-leerroute/",
            f"/meten/school/{unit}/",
            f"/certificering/school/{unit}/",
        ],
        "academietrainer": [
            "/leren/bijeenkomsten/",
            f"/leren/bijeenkomsten/{academy.pk}/",
            f"/leren/bijeenkomsten/{academy.pk}/aanwezigheid/",
            "/leren/team/",
            guide.url,
            f"/leren/les/{guide.pk}/presenteren/",
            "/meten/academie/",
        ],
    }
    problems = []
    for username, paths in journeys.items():
        problems += _walk(browser, live_server.url, username, paths)
    assert not problems, "\n".join(problems)


def test_presenter_view_steps_with_the_keyboard_and_runs_a_timer(
    live_server, page, zonnebloem, teacher, director, academy_trainer
):
    w = _world(zonnebloem, teacher, director, academy_trainer)
    base = live_server.url
    login(page, base, "directeur.zonnebloem")
    page.goto(f"{base}/leren/les/{w['guide'].pk}/presenteren/")
    title = page.locator("[data-step-title]")
    assert title.inner_text().startswith("Opening")
    assert page.locator("[data-step-counter]").inner_text() == "Stap 1 van 9"
    page.keyboard.press("ArrowRight")
    assert title.inner_text().startswith("Tijdlijn op de muur")
    clock = page.locator("[data-clock]")
    assert clock.inner_text().startswith("15:") or clock.inner_text().startswith("14:")
    page.keyboard.press("ArrowLeft")
    assert page.locator("[data-step-counter]").inner_text() == "Stap 1 van 9"
    page.keyboard.press("p")
    assert page.get_by_role("button", name="Verder").is_visible()
