"""End to end in a real browser: a TdT participant records the team session they led for the
practical assessment, an academy trainer confirms it with the rubric, and only then is the
programme complete."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.test_learner_flow import login
from tests.conftest import FIXTURE_MATERIAL
from tests.factories import SchoolYearFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REFLECTION = (
    "Bij de kalibratie waardeerden collega's dezelfde relatie verschillend. We bespraken de "
    "verschillen en spraken af wat glanst bij ons betekent. Ik leerde vooral door te vragen."
)


def test_participant_records_trainer_confirms_programme_completes(
    live_server, page, browser, tdt_teacher, teacher, zonnebloem, academy_trainer
):
    from glans_learning.content.material import load_material
    from glans_learning.courses import services
    from glans_learning.courses.material_loader import load
    from glans_learning.courses.models import (
        Attendance,
        LessonPage,
        ModuleCompletion,
        ModulePage,
        ProgrammeCompletion,
        ProgrammePage,
        Session,
        SessionRegistration,
    )

    today = timezone.localdate()
    SchoolYearFactory(
        label="nu",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=300),
    )
    load(load_material(FIXTURE_MATERIAL))
    programme = ProgrammePage.objects.get(slug="proef")
    programme.requires_practical_assessment = True
    programme.save()
    services.enrol(user=tdt_teacher, programme=programme, by=tdt_teacher)
    for module in ModulePage.objects.child_of(programme):
        ModuleCompletion.objects.create(
            user=tdt_teacher, module=module, completed_at=timezone.now(), requirements={}
        )
    start = timezone.now() - datetime.timedelta(days=1)
    session = Session.objects.create(
        programme=programme,
        unit=zonnebloem,
        kind=Session.Kind.TEAM,
        title="Teambijeenkomst proefletter",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        guide=LessonPage.objects.get(slug="tweede-les"),
        planned_by=tdt_teacher,
        agenda="Doel, tijdlijn en kalibratie.",
    )
    SessionRegistration.objects.create(session=session, user=teacher, attendance=Attendance.PRESENT)
    base = live_server.url

    # The participant records the session with a reflection.
    login(page, base, "trainer.zonnebloem")
    page.goto(f"{base}/leren/programma/{programme.pk}/praktijktoets/")
    page.get_by_label("Teambijeenkomst die je leidde").select_option(str(session.pk))
    page.get_by_label("Reflectie op de kalibratie").fill(REFLECTION)
    page.get_by_role("button", name="Indienen").click()
    page.get_by_text("Je praktijktoets is ingediend").wait_for()
    assert not ProgrammeCompletion.objects.filter(user=tdt_teacher, programme=programme).exists()

    # The academy trainer confirms it with the rubric.
    trainer_page = browser.new_context(locale="nl-NL").new_page()
    login(trainer_page, base, "academietrainer")
    trainer_page.goto(f"{base}/leren/praktijktoetsen/")
    card = trainer_page.locator(".assessment").filter(has_text="Teambijeenkomst proefletter")
    for box in card.get_by_role("checkbox").all():
        box.check()
    card.get_by_role("button", name="Bevestigen").click()
    trainer_page.get_by_text("De praktijktoets is bevestigd").wait_for()

    # The programme is complete, and the participant sees the confirmation.
    assert ProgrammeCompletion.objects.filter(user=tdt_teacher, programme=programme).exists()
    page.goto(f"{base}/leren/programma/{programme.pk}/praktijktoets/")
    assert page.locator(".assessment-status").get_attribute("data-status") == "confirmed"
