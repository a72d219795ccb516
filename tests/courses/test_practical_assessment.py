"""The practical assessment of Train-de-Trainer: a programme that requires it completes only
after the participant recorded a team session they led and an academy trainer confirmed it with
the rubric; bad input and the wrong people change nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from glans_learning.courses import assessments, services
from glans_learning.courses.completion import check_programme
from glans_learning.courses.models import (
    Attendance,
    LessonPage,
    ModuleCompletion,
    ModulePage,
    PracticalAssessment,
    ProgrammeCompletion,
    Session,
    SessionRegistration,
)
from glans_learning.courses.selectors import programme_progress

REFLECTION = (
    "Bij de kalibratie bleek dat collega's dezelfde relatie heel verschillend waardeerden. "
    "We hebben de verschillen uitgelegd en afgesproken wat 'glanst' bij ons betekent. Ik "
    "merkte dat ik als trainer vooral moest doorvragen in plaats van zelf het antwoord te geven."
)


@pytest.fixture
def assessed(programme, tdt_teacher, zonnebloem, teacher):
    """The fixture programme requires the assessment; the TdT participant is enrolled, has
    finished every module and led a team session of the programme with attendance."""
    programme.requires_practical_assessment = True
    programme.save()
    services.enrol(user=tdt_teacher, programme=programme, by=tdt_teacher)
    for module in ModulePage.objects.child_of(programme):
        ModuleCompletion.objects.create(
            user=tdt_teacher, module=module, completed_at=timezone.now(), requirements={}
        )
    guide = LessonPage.objects.get(slug="tweede-les")
    start = timezone.now() - datetime.timedelta(days=2)
    session = Session.objects.create(
        programme=programme,
        unit=zonnebloem,
        kind=Session.Kind.TEAM,
        title="Teambijeenkomst G",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        guide=guide,
        planned_by=tdt_teacher,
        agenda="Doel, tijdlijn en kalibratie volgens de handleiding.",
    )
    SessionRegistration.objects.create(session=session, user=teacher, attendance=Attendance.PRESENT)
    return {"programme": programme, "user": tdt_teacher, "session": session}


def _completed(user, programme):
    return ProgrammeCompletion.objects.filter(user=user, programme=programme).exists()


def test_the_programme_waits_for_the_confirmed_assessment(assessed, academy_trainer):
    user, programme, session = assessed["user"], assessed["programme"], assessed["session"]
    check_programme(user=user, programme_id=programme.pk)
    assert not _completed(user, programme)
    state = programme_progress(user=user, programme=programme)
    assert any("praktijktoets" in item for item in state.open)

    assessment = assessments.assessment_record(
        user=user, programme=programme, session_id=session.pk, reflection=REFLECTION
    )
    check_programme(user=user, programme_id=programme.pk)
    assert not _completed(user, programme)

    assessments.assessment_decide(
        trainer=academy_trainer,
        assessment_id=assessment.pk,
        checked=assessments.RUBRIC_KEYS,
        confirm=True,
    )
    assert _completed(user, programme)
    completion = ProgrammeCompletion.objects.get(user=user, programme=programme)
    assert completion.requirements["practical_assessment"] is True
    assert programme_progress(user=user, programme=programme).open == []


def test_confirming_needs_every_rubric_item_and_a_return_needs_a_note(assessed, academy_trainer):
    user, programme = assessed["user"], assessed["programme"]
    assessment = assessments.assessment_record(
        user=user, programme=programme, session_id=assessed["session"].pk, reflection=REFLECTION
    )
    with pytest.raises(ValidationError):
        assessments.assessment_decide(
            trainer=academy_trainer,
            assessment_id=assessment.pk,
            checked=["plan", "team"],
            confirm=True,
        )
    with pytest.raises(ValidationError):
        assessments.assessment_decide(
            trainer=academy_trainer, assessment_id=assessment.pk, checked=[], confirm=False
        )
    assessment.refresh_from_db()
    assert assessment.status == PracticalAssessment.Status.SUBMITTED
    assert not _completed(user, programme)

    assessments.assessment_decide(
        trainer=academy_trainer,
        assessment_id=assessment.pk,
        checked=["plan"],
        note="Beschrijf ook hoe de kalibratie verliep.",
        confirm=False,
    )
    assessment.refresh_from_db()
    assert assessment.status == PracticalAssessment.Status.RETURNED
    # the participant records again; it goes back to the trainer
    again = assessments.assessment_record(
        user=user, programme=programme, session_id=assessed["session"].pk, reflection=REFLECTION
    )
    assert again.pk == assessment.pk and again.status == PracticalAssessment.Status.SUBMITTED


def test_only_an_academy_trainer_decides(assessed, director, tdt_teacher):
    assessment = assessments.assessment_record(
        user=assessed["user"],
        programme=assessed["programme"],
        session_id=assessed["session"].pk,
        reflection=REFLECTION,
    )
    for user in (director, tdt_teacher):
        with pytest.raises(PermissionDenied):
            assessments.assessment_decide(
                trainer=user,
                assessment_id=assessment.pk,
                checked=assessments.RUBRIC_KEYS,
                confirm=True,
            )
    assert not _completed(assessed["user"], assessed["programme"])


@pytest.mark.parametrize(
    "change",
    [
        "short_reflection",
        "future_session",
        "no_attendance",
        "someone_elses_session",
    ],
)
def test_bad_records_are_refused_and_change_nothing(assessed, change, teacher):
    user, programme, session = assessed["user"], assessed["programme"], assessed["session"]
    reflection = REFLECTION
    if change == "short_reflection":
        reflection = "Ging goed."
    elif change == "future_session":
        session.starts_at = timezone.now() + datetime.timedelta(days=3)
        session.ends_at = session.starts_at + datetime.timedelta(hours=1)
        session.save()
    elif change == "no_attendance":
        session.registrations.update(attendance=Attendance.ABSENT)
    elif change == "someone_elses_session":
        session.planned_by = teacher
        session.save()
    with pytest.raises(ValidationError):
        assessments.assessment_record(
            user=user, programme=programme, session_id=session.pk, reflection=reflection
        )
    assert not PracticalAssessment.objects.exists()


def test_screens(assessed, client, academy_trainer, teacher):
    user, programme, session = assessed["user"], assessed["programme"], assessed["session"]
    url = reverse("glans_courses:assessment_record", args=[programme.pk])
    client.force_login(teacher)  # not enrolled
    assert client.get(url).status_code == 404
    assert client.get(reverse("glans_courses:assessment_worklist")).status_code == 404
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200 and session.title in page.content.decode()
    client.post(url, {"session": session.pk, "reflection": REFLECTION})
    assessment = PracticalAssessment.objects.get(user=user)
    client.force_login(academy_trainer)
    worklist = client.get(reverse("glans_courses:assessment_worklist")).content.decode()
    assert escape(REFLECTION[:40]) in worklist
    client.post(
        reverse("glans_courses:assessment_decide", args=[assessment.pk]),
        {"decision": "confirm", "rubric": assessments.RUBRIC_KEYS},
    )
    assert _completed(user, programme)
