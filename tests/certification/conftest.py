import pytest

from glans_learning.certification import selectors, services
from tests.factories import SchoolYearFactory, person

TEXT = (
    "<p>"
    + ("Wij nodigen elke ouder uit voor een kennismakingsgesprek in de eerste weken. " * 4)
    + "</p>"
)


def current_year():
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    start = today.year if today.month >= 8 else today.year - 1
    return SchoolYearFactory(
        label=f"{start}-{start + 1}",
        start_date=datetime.date(start, 8, 1),
        end_date=datetime.date(start + 1, 7, 31),
    )


def write_and_publish(handbook, user, text=TEXT):
    handbook = selectors.handbook_latest(handbook)
    for section in handbook.sections.all():
        section.body = text
        section.save()
    handbook.save()
    revision = handbook.save_revision(user=user)
    revision.publish(user=user)
    handbook.refresh_from_db()
    return handbook


@pytest.fixture
def year(db):
    return current_year()


@pytest.fixture
def expert(zonnebloem):
    return person("expert.zonnebloem", unit=zonnebloem, roles=["learner", "school_expertgroep"])


@pytest.fixture
def second_auditor(db):
    return person("auditor2", unit=None, roles=["academy_auditor"])


@pytest.fixture
def handbook(zonnebloem, year, director):
    book = services.handbook_start(unit=zonnebloem, school_year=year, user=director)
    return write_and_publish(book, director)


@pytest.fixture
def application(handbook, zonnebloem, director, year):
    return services.application_submit(unit=zonnebloem, user=director, school_year=year)


def certified_world(unit, other_unit, year, director, other_director, auditor):
    """De Zonnebloem: a published handbook, a certified application and its certificate,
    then an open application again (so applying is refused); De Regenboog: a handbook."""
    import datetime

    from django.utils import timezone

    book = write_and_publish(
        services.handbook_start(unit=unit, school_year=year, user=director), director
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.attachment_add(
        handbook=book,
        user=director,
        criterion_id=book.criterion_set.criteria.first().pk,
        title="Jaarplan",
        upload=SimpleUploadedFile("jaarplan.pdf", b"%PDF-1.4 jaarplan"),
    )
    application = services.application_submit(unit=unit, user=director, school_year=year)
    services.intake_record(application=application, user=auditor, complete=True)
    for criterion in application.criterion_set.criteria.all():
        services.criterion_review(
            application=application,
            user=auditor,
            criterion=criterion,
            verdict="met",
            remarks="Herkenbaar in de school.",
        )
    services.conversation_plan(
        application=application,
        user=auditor,
        at=timezone.now() - datetime.timedelta(days=1),
        place="School",
        participants="Expertgroep",
        agenda="Successen",
    )
    services.conversation_report(
        application=application,
        user=auditor,
        successes="Veel.",
        development="Wat.",
        cooperation="Goed.",
        next_steps="Door.",
    )
    services.application_decide(application=application, user=auditor, certified=True)
    application.refresh_from_db()
    services.application_submit(unit=unit, user=director, school_year=year)
    other = services.handbook_start(unit=other_unit, school_year=year, user=other_director)
    from glans_learning.certification.models import CheckIn

    checkin = CheckIn.objects.create(
        certificate=application.certificate,
        due_on=timezone.localdate(),
        handbook=book,
        confirmed_by=director,
    )
    return {
        "attachment": attachment,
        "checkin": checkin,
        "handbook": book,
        "other_handbook": other,
        "application": application,
        "certificate": application.certificate,
    }
