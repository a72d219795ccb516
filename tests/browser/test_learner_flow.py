"""End to end in a real browser: a teacher enrols, works through a lesson with the keyboard,
and the director sees it on the team dashboard."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import FIXTURE_MATERIAL
from tests.factories import PASSWORD, SchoolYearFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_teacher_progress_reaches_the_directors_dashboard(
    live_server, page, browser, teacher, director, zonnebloem
):
    from glans_learning.content.material import load_material
    from glans_learning.courses.material_loader import load
    from glans_learning.courses.models import ProgrammePage

    today = timezone.localdate()
    SchoolYearFactory(
        label="nu",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=300),
    )
    load(load_material(FIXTURE_MATERIAL))
    programme = ProgrammePage.objects.get(slug="proef")
    base = live_server.url

    # The first Tab reaches the skip link (keyboard users can jump to the content).
    page.goto(f"{base}/leren/zoeken/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"

    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}{programme.url}")
    page.get_by_role("button", name="Inschrijven").click()
    page.get_by_text("Je bent ingeschreven").wait_for()

    page.get_by_role("link", name="Eerste les").first.click()
    assert page.get_by_text("Les 1 van 2").is_visible()
    assert page.get_by_text("geheime trainerstekst").count() == 0  # trainer note hidden

    # Answer the knowledge check with the keyboard only.
    page.get_by_role("radio", name="Deze", exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Goed zo.").wait_for()
    assert page.get_by_text("Juist.").is_visible()

    director_page = browser.new_context(locale="nl-NL").new_page()
    login(director_page, base, "directeur.zonnebloem")
    director_page.goto(f"{base}/leren/team/?unit={zonnebloem.pk}&programme={programme.pk}")
    row = director_page.get_by_role("row").filter(has_text=teacher.last_name)
    assert row.count() == 1
    assert "bezig" in row.inner_text()
