"""End to end in a real browser: a learner completes the (fixture) workshop through the
lesson pages, the certificate appears on Mijn leerroute, its PDF opens, and the anonymous
verification page says valid; after revocation it says revoked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.test_learner_flow import login
from tests.conftest import FIXTURE_MATERIAL
from tests.factories import SchoolYearFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ANSWER = "Ik vraag eerst wat de ouder over het kind wil vertellen."


def answer_everything(page):
    """Fill in every reflection and assignment and answer every knowledge check correctly."""
    for button_name in ("Antwoord opslaan", "Reflectie inleveren"):
        while page.get_by_role("button", name=button_name).count():
            form = (
                page.locator("form").filter(has=page.get_by_role("button", name=button_name)).first
            )
            form.locator("textarea").fill(ANSWER)
            form.get_by_role("button", name=button_name).click()
            page.wait_for_load_state()
    if page.get_by_role("radio", name="Deze", exact=True).count():
        page.get_by_role("radio", name="Deze", exact=True).check()
        page.get_by_role("button", name="Controleer").click()
        page.get_by_text("Goed zo.").wait_for()


def test_learner_completes_the_workshop_and_the_certificate_verifies(
    live_server, page, browser, teacher, admin_user
):
    from glans_learning.content.material import load_material
    from glans_learning.courses.material_loader import load
    from glans_learning.courses.models import LessonPage, ProgrammePage
    from glans_learning.credentials import services
    from glans_learning.credentials.models import Certificate

    today = timezone.localdate()
    SchoolYearFactory(
        label="nu",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=300),
    )
    load(load_material(FIXTURE_MATERIAL))
    programme = ProgrammePage.objects.get(slug="proef")
    base = live_server.url

    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}{programme.url}")
    page.get_by_role("button", name="Inschrijven").click()
    page.get_by_text("Je bent ingeschreven").wait_for()

    for lesson in LessonPage.objects.live().descendant_of(programme).order_by("path"):
        page.goto(f"{base}{lesson.url}")
        answer_everything(page)
        if page.get_by_role("button", name="Markeer als afgerond").count():
            page.get_by_role("button", name="Markeer als afgerond").click()
            page.wait_for_load_state()

    # The certificate is on the dashboard, and its PDF opens.
    page.goto(f"{base}/leren/mijn-leerroute/")
    certificates = page.locator("#certificates")
    assert programme.title in certificates.inner_text()
    pdf_link = certificates.get_by_role("link", name="Certificaat (PDF)")
    response = page.request.get(base + pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:4] == b"%PDF"

    # Anyone can check it, without logging in: valid, and after revocation revoked.
    certificate = Certificate.objects.get(user=teacher, programme_key=programme.pk)
    anonymous = browser.new_context(locale="nl-NL").new_page()
    verify_url = base + reverse("glans_credentials:verify", args=[certificate.code])
    anonymous.goto(verify_url)
    assert anonymous.locator(".status").get_attribute("data-status") == "valid"
    # What a verifier needs (issue #23): holder, programme, issuer and the status.
    assert anonymous.get_by_text("geldig", exact=True).is_visible()
    assert teacher.last_name in anonymous.content()

    services.certificate_revoke(by=admin_user, certificate=certificate, reason="Test")
    anonymous.reload()
    assert anonymous.locator(".status").get_attribute("data-status") == "revoked"
    assert anonymous.get_by_text("ingetrokken op").first.is_visible()
