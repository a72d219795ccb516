"""End to end in a real browser (issue #11's done-when): the auditor walks De Zonnebloem's
application through intake, review per criterion, planning and reporting the appreciative
conversation and the decision; the director then sees the outcome and downloads the
certificate PDF; the public verification page answers that it is valid. Another school's
director gets nothing of the handbook or the dossier."""

import re

import pytest
from django.utils import timezone

from glans_learning.certification import services
from glans_learning.certification.models import Certificate, Status
from tests.browser.test_learner_flow import login
from tests.certification.conftest import current_year, write_and_publish

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _submitted_application(unit, director):
    year = current_year()
    handbook = services.handbook_start(unit=unit, school_year=year, user=director)
    write_and_publish(handbook, director)
    return services.application_submit(unit=unit, user=director, school_year=year)


def verify_second_factor(page, base, user):
    """Auditors act only with a verified second factor (issue #23): a backup code."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
    StaticToken.objects.create(device=device, token="browser1")
    page.goto(f"{base}/accounts/tweestaps/")
    page.get_by_label("Code").fill("browser1")
    with page.expect_navigation():
        page.get_by_label("Code").press("Enter")


def _step(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    assert "Vastgelegd." in page.content()


def test_auditor_walks_the_audit_and_the_school_downloads_its_certificate(
    live_server, page, browser, auditor, director, other_director, zonnebloem
):
    application = _submitted_application(zonnebloem, director)
    handbook_id = application.handbook_id
    base = live_server.url

    # The auditor finds the application on the work list.
    login(page, base, auditor.username)
    verify_second_factor(page, base, auditor)
    page.goto(f"{base}/certificering/werklijst/")
    with page.expect_navigation():
        page.get_by_role("link", name="De Zonnebloem").first.click()

    # Intake: the dossier is complete (nothing is preselected).
    page.get_by_label("Compleet").check()
    _step(page, "Intake vastleggen")
    application.refresh_from_db()
    assert application.status == Status.REVIEW

    # Every criterion on one page: one development point with a remark, the rest met (each
    # with a word of explanation: a failed pre-check needs one).
    criteria = list(application.criterion_set.criteria.all())
    for index, criterion in enumerate(criteria):
        group = page.get_by_role("group", name=re.compile(re.escape(criterion.title)))
        group.get_by_label("ontwikkelpunt" if index == 0 else "voldoet", exact=True).check()
        group.locator("textarea").fill(
            "Beschrijf ook de overdracht naar groep 3." if index == 0 else "Herkenbaar."
        )
    with page.expect_navigation():
        page.get_by_role("button", name="Beoordelingen opslaan").click()
    application.refresh_from_db()
    assert application.status == Status.CONVERSATION
    assert application.reviews.filter(verdict="development").count() == 1

    # Planning the appreciative conversation.
    # (Today, so the report may follow: a report before the conversation's day is refused.)
    when = timezone.localtime()
    page.get_by_label("Datum en tijd").fill(when.strftime("%Y-%m-%dT00:05"))
    page.get_by_label("Plaats").fill("Teamkamer De Zonnebloem")
    page.get_by_label("Deelnemers").fill("Expertgroep, directeur en auditor")
    page.get_by_label("Wat we bespreken").fill("Wat gaat goed, en wat pakken we samen op")
    _step(page, "Gesprek plannen")
    assert "Teamkamer De Zonnebloem" in page.content()

    # The report of the conversation.
    page.get_by_label("Successen", exact=True).fill("Elke ouder wordt in de eerste weken gezien.")
    page.get_by_label("Ontwikkelpunten", exact=True).fill("De overdracht naar groep 3.")
    page.get_by_label("Mate van geslaagde samenwerking").fill("Met vrijwel alle gezinnen.")
    page.get_by_label("Stappen voor volgend jaar").fill("Intervisie elke twee maanden.")
    _step(page, "Verslag vastleggen")
    application.refresh_from_db()
    assert application.status == Status.DECISION

    # The decision: certified until a date.
    valid_until = timezone.localdate().replace(year=timezone.localdate().year + 3)
    page.get_by_label("Gecertificeerd").check()
    page.get_by_label("Geldig tot").fill(valid_until.isoformat())
    page.get_by_label("Toelichting of ontwikkelpunten").fill("Van harte gefeliciteerd!")
    _step(page, "Besluit vastleggen")
    application.refresh_from_db()
    assert application.status == Status.CERTIFIED
    certificate = Certificate.objects.get(application=application)
    assert certificate.valid_until == valid_until

    # The director sees the outcome and downloads the certificate.
    school = browser.new_context(locale="nl-NL").new_page()
    login(school, base, director.username)
    school.goto(f"{base}/certificering/")
    assert "Gecertificeerd, geldig tot" in school.content()
    with school.expect_navigation():
        school.get_by_role("link", name="Certificaat bekijken").click()
    assert "School met Glans" in school.content()
    href = school.get_by_role("link", name="Certificaat downloaden (PDF)").get_attribute("href")
    pdf = school.request.get(f"{base}{href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert bytes(Certificate.objects.get(pk=certificate.pk).pdf) == pdf.body()  # stored once
    assert Certificate.objects.filter(unit=zonnebloem).count() == 1

    # The public verification page answers, without logging in.
    anonymous = browser.new_context(locale="nl-NL").new_page()
    response = anonymous.goto(f"{base}/certificering/verifieer/{certificate.code}/")
    assert response.status == 200
    assert "De Zonnebloem is School met Glans" in anonymous.content()

    # Another school's director sees nothing of De Zonnebloem's handbook or dossier.
    other = browser.new_context(locale="nl-NL").new_page()
    login(other, base, other_director.username)
    for path in (
        f"/certificering/school/{zonnebloem.pk}/",
        f"/certificering/aanvraag/{application.pk}/",
        f"/certificering/aanvraag/{application.pk}/pdf/",
        f"/certificering/handboek/{handbook_id}/werkruimte/",
        f"/certificering/certificaat/{certificate.pk}/pdf/",
    ):
        assert other.request.get(f"{base}{path}").status == 404, path
