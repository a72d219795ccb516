"""#14 in a real browser at 375×812: the screens this slice touched do not scroll sideways —
sessions, Team (named columns), 'Wie mist er nog?', the invitation page — and each role
lands on its own page after logging in."""

import datetime

import pytest
from django.utils import timezone

from glans_learning.core.invitations import invitation_token
from glans_learning.courses import services
from glans_learning.courses.models import ProgrammePage, Session
from glans_learning.organisations.services import membership_grant, user_create
from tests.browser.test_learner_flow import login
from tests.courses.test_progress_support import current_year

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_everyday_screens_fit_a_phone(
    live_server, page, browser, teacher, director, zonnebloem, loaded_fixture
):
    current_year()
    programme = ProgrammePage.objects.get(slug="proef")
    services.enrol(user=teacher, programme=programme, by=teacher)
    now = timezone.now()
    for days, title in ((-3, "Terugblik met het hele team"), (5, "Teambijeenkomst Grondhouding")):
        Session.objects.create(
            programme=programme,
            unit=zonnebloem,
            kind=Session.Kind.TEAM,
            title=title,
            starts_at=now + datetime.timedelta(days=days),
            ends_at=now + datetime.timedelta(days=days, hours=2),
        )
    newcomer = user_create(
        email="nieuw.langenaam@example.invalid", first_name="Noor", last_name="Nieuw"
    )
    membership_grant(user=newcomer, unit=zonnebloem, role_codes=["learner"])
    base = live_server.url
    page.set_viewport_size(PHONE)

    login(page, base, "leraar.zonnebloem")
    assert page.url.endswith("/leren/mijn-leerroute/")  # a learner lands on the route
    page.goto(f"{base}/leren/bijeenkomsten/")
    assert fits(page)
    assert page.get_by_role("button", name="Aanmelden").count() == 1  # not the past one

    director_page = browser.new_context(locale="nl-NL", viewport=PHONE).new_page()
    login(director_page, base, "directeur.zonnebloem")
    assert "/leren/team/" in director_page.url  # a team lead lands on the team
    assert fits(director_page)
    director_page.get_by_role("link", name="Wie mist er nog?").click()
    assert fits(director_page)
    assert director_page.get_by_text("account niet geactiveerd").first.is_visible()
    director_page.get_by_role("button", name="Uitnodigen").click()
    assert director_page.get_by_text("De uitnodiging is opnieuw verstuurd.").is_visible()
    assert fits(director_page)

    guest = browser.new_context(locale="nl-NL", viewport=PHONE).new_page()
    guest.goto(f"{base}/accounts/uitnodiging/{invitation_token(user=newcomer)}/")
    assert fits(guest)
    assert guest.get_by_role("heading", name="Welkom bij GLANS").is_visible()
    guest.locator("input[name=new_password1]").fill("Zonnebloem-2026!")
    guest.locator("input[name=new_password2]").fill("Zonnebloem-2026!")
    guest.get_by_role("button", name="Wachtwoord opslaan en beginnen").click()
    guest.wait_for_url(lambda url: "/uitnodiging/" not in url)
    assert guest.url.endswith("/leren/mijn-leerroute/")
    assert fits(guest)
