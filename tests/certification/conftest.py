import pytest

from glans_learning.certification import selectors, services
from tests.factories import SchoolYearFactory, person

TEXT = "<p>" + ("Wij nodigen elke ouder uit voor een kennismakingsgesprek in de eerste weken. " * 4) + "</p>"


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
