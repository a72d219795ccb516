"""Fixtures for the oudervolgsysteem: a school year spanning today, groups, relationships
and an open moment."""

import datetime

import pytest
from django.utils import timezone

from glans_learning.measurement import services
from glans_learning.measurement.models import Family, MeasurementMoment, Relationship
from glans_learning.organisations.models import Group, SchoolYear
from glans_learning.organisations.permissions import forget_roles
from tests.factories import person


@pytest.fixture
def year(db):
    today = timezone.localdate()
    start = today.year if today.month >= 8 else today.year - 1
    return SchoolYear.objects.get_or_create(
        label=f"{start}-{start + 1}",
        defaults={
            "start_date": datetime.date(start, 8, 1),
            "end_date": datetime.date(start + 1, 7, 31),
        },
    )[0]


def make_group(unit, year, name, families, *, label_prefix=""):
    group = Group.objects.create(unit=unit, name=name, school_year=year, grade=1)
    for i in range(families):
        key_hash = services.pupil_key_hash(unit_id=unit.pk, pupil_key=f"{name}-{i}")
        family = services.family_for_key(unit=unit, key_hash=key_hash)
        Relationship.objects.create(
            unit=unit,
            school_year=year,
            group=group,
            family=family,
            label=f"{label_prefix}{i}" if label_prefix else "",
        )
    return group


def teach(user, group):
    from glans_learning.organisations.models import Membership

    membership = Membership.objects.filter(user=user, unit=group.unit).first()
    membership.groups.add(group)
    forget_roles(user)
    if hasattr(user, "_glans_teacher_groups"):
        del user._glans_teacher_groups


def open_moment(unit, year):
    today = timezone.localdate()
    return MeasurementMoment.objects.create(
        unit=unit,
        school_year=year,
        date=today,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=3),
    )


@pytest.fixture
def school(zonnebloem, year, teacher):
    group = make_group(zonnebloem, year, "Groep 5", 6, label_prefix="Kind ")
    other = make_group(zonnebloem, year, "Groep 6", 3)
    teach(teacher, group)
    return {
        "unit": zonnebloem,
        "group": group,
        "other": other,
        "moment": open_moment(zonnebloem, year),
        "year": year,
    }


@pytest.fixture
def ib(zonnebloem):
    return person("ib.zonnebloem", unit=zonnebloem, roles=["ib", "learner"])


@pytest.fixture
def board_expert(regenboog):
    return person("expertgroep.bestuur", unit=regenboog, roles=["board_expertgroep"])


def codes(group):
    return list(Family.objects.filter(relationships__group=group).values_list("code", flat=True))
