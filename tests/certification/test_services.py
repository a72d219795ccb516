import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from glans_learning.certification import selectors, services
from glans_learning.certification.models import AuditEvent, Certificate, CriterionSet, Status
from tests.factories import person

from .conftest import write_and_publish


def walk_to_decision(application, auditor):
    services.intake_record(application=application, user=auditor, complete=True)
    for criterion in application.criterion_set.criteria.all():
        services.criterion_review(
            application=application,
            user=auditor,
            criterion=criterion,
            verdict="met",
            remarks="Mooi beschreven.",
        )
    application.refresh_from_db()
    assert application.status == Status.CONVERSATION
    services.conversation_plan(
        application=application,
        user=auditor,
        at=timezone.now() - datetime.timedelta(hours=1),
        place="Teamkamer",
        participants="Expertgroep",
        agenda="Successen en volgende stappen",
    )
    services.conversation_report(
        application=application,
        user=auditor,
        successes="Elke ouder is bekend.",
        development="Overdracht naar groep 3.",
        cooperation="Ruim boven het doel.",
        next_steps="Intervisie elke maand.",
    )
    return application


def test_criteria_are_seeded(db):
    current = CriterionSet.current()
    assert current is not None
    codes = set(current.criteria.values_list("code", flat=True))
    assert {"G1", "L1", "A1", "N1", "S1", "S2", "R1", "R2", "O1", "O2"} <= codes


def test_handbook_sections_follow_criteria_and_next_year_copies(zonnebloem, year, director):
    from tests.factories import SchoolYearFactory

    book = services.handbook_start(unit=zonnebloem, school_year=year, user=director)
    assert book.sections.count() == CriterionSet.current().criteria.count()
    write_and_publish(book, director, text="<p>Vorig jaar schreven wij dit.</p>")
    nxt = SchoolYearFactory(
        label="next",
        start_date=year.start_date.replace(year=year.start_date.year + 1),
        end_date=year.end_date.replace(year=year.end_date.year + 1),
    )
    copy = services.handbook_start(unit=zonnebloem, school_year=nxt, user=director)
    assert copy.previous_id == book.pk
    assert "Vorig jaar" in copy.sections.first().body
    copy = write_and_publish(
        copy, director, text="<p>Vorig jaar schreven wij dit.</p><p>Nu meer.</p>"
    )
    diff = selectors.handbook_diff(handbook=copy)
    assert diff[0]["changed"]
    assert {"op": "+", "text": "Nu meer."} in diff[0]["lines"]


def test_teacher_cannot_start_handbook(zonnebloem, year, teacher, auditor):
    for user in (teacher, auditor):
        with pytest.raises(PermissionDenied):
            services.handbook_start(unit=zonnebloem, school_year=year, user=user)


def test_submit_needs_published_handbook(zonnebloem, year, director):
    services.handbook_start(unit=zonnebloem, school_year=year, user=director)
    with pytest.raises(ValidationError):
        services.application_submit(unit=zonnebloem, user=director, school_year=year)


def test_dossier_is_frozen(application, director):
    frozen = application.dossier
    assert frozen["handbook"]["revision_id"] == application.handbook.live_revision_id
    assert "kennismakingsgesprek" in frozen["handbook"]["sections"][0]["text"]
    write_and_publish(application.handbook, director, text="<p>Helemaal anders nu.</p>")
    application.refresh_from_db()
    assert application.dossier == frozen
    assert "kennismakingsgesprek" in application.dossier["handbook"]["sections"][0]["text"]


def test_prechecks_follow_live_data(zonnebloem, year, handbook, director):
    checks = {row["criterion"].code: row for row in selectors.prechecks(unit=zonnebloem)}
    assert checks["G1"]["met"]
    assert not checks["O1"]["met"]  # no Expertgroep yet
    for n in range(3):
        person(f"eg{n}", unit=zonnebloem, roles=["school_expertgroep"])
    checks = {row["criterion"].code: row for row in selectors.prechecks(unit=zonnebloem)}
    assert checks["O1"]["met"]
    assert "3" in checks["O1"]["evidence"]


def test_audit_end_to_end_certifies(application, auditor):
    walk_to_decision(application, auditor)
    services.application_decide(application=application, user=auditor, certified=True)
    application.refresh_from_db()
    assert application.status == Status.CERTIFIED
    cert = Certificate.objects.get(application=application)
    assert cert.is_valid()
    actions = list(
        AuditEvent.objects.filter(application=application).values_list("action", flat=True)
    )
    assert actions[0] == "submitted" and actions[-1] == "decided"
    assert selectors.status_label(unit=application.unit) == "certified"


def test_not_yet_needs_development_points(application, auditor):
    walk_to_decision(application, auditor)
    with pytest.raises(ValidationError):
        services.application_decide(application=application, user=auditor, certified=False)
    services.application_decide(
        application=application, user=auditor, certified=False, remarks="De lijn naar groep 3."
    )
    application.refresh_from_db()
    assert application.status == Status.NOT_YET
    assert not Certificate.objects.exists()


def test_second_auditor(application, auditor, second_auditor):
    walk_to_decision(application, auditor)
    services.application_decide(
        application=application, user=auditor, certified=True, second_auditor=second_auditor
    )
    with pytest.raises(PermissionDenied):
        services.application_second_approve(application=application, user=auditor)
    services.application_second_approve(application=application, user=second_auditor)
    application.refresh_from_db()
    assert application.status == Status.CERTIFIED


def test_school_never_approves_itself(application, director, zonnebloem):
    with pytest.raises(PermissionDenied):
        services.intake_record(application=application, user=director, complete=True)
    # An auditor who also belongs to the school may not judge it either.
    insider = person("auditor.intern", unit=None, roles=["academy_auditor"])
    from glans_learning.organisations.services import membership_grant

    membership_grant(user=insider, unit=zonnebloem, role_codes=["learner"])
    with pytest.raises(PermissionDenied):
        services.intake_record(application=application, user=insider, complete=True)


def test_steps_out_of_order_are_refused(application, auditor):
    criterion = application.criterion_set.criteria.first()
    with pytest.raises(ValidationError):
        services.criterion_review(
            application=application, user=auditor, criterion=criterion, verdict="met"
        )


def test_expiry_and_revocation(application, auditor):
    walk_to_decision(application, auditor)
    services.application_decide(application=application, user=auditor, certified=True)
    cert = application.certificate
    assert cert.is_valid()
    assert not cert.is_valid(today=cert.valid_until + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=cert, user=auditor, reason=" ")
    services.certificate_revoke(certificate=cert, user=auditor, reason="Handboek niet versterkt.")
    cert.refresh_from_db()
    assert not cert.is_valid()
    assert selectors.current_certificate(unit=application.unit) is None
