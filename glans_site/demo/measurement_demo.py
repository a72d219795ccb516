"""Demo data for the oudervolgsysteem (called from seed_demo; idempotent). Synthetic pupil
keys only: families get codes through the real import service, ratings grow toward the
targets over three school years at De Zonnebloem and one at De Regenboog."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from glans_learning.measurement import imports, services
from glans_learning.measurement.models import (
    ImplementationYear,
    MeasurementMoment,
    Rating,
    Relationship,
)
from glans_learning.organisations.models import Group, Membership, RoleCode, SchoolYear
from glans_learning.organisations.services import membership_grant

PER_GROUP = 25


def _year(start: int) -> SchoolYear:
    return SchoolYear.objects.get_or_create(
        label=f"{start}-{start + 1}",
        defaults={
            "start_date": datetime.date(start, 8, 1),
            "end_date": datetime.date(start + 1, 7, 31),
        },
    )[0]


def _rate(unit, year, shares, rng, *, skip_groups=(), today):
    moments = list(
        MeasurementMoment.objects.filter(unit=unit, school_year=year, opens_on__lte=today).order_by(
            "date"
        )
    )
    rels = list(Relationship.objects.filter(unit=unit, school_year=year, is_active=True))
    ratings = []
    for index, moment in enumerate(moments):
        share = shares[0] + (shares[1] - shares[0]) * index / max(len(moments) - 1, 1)
        for rel in rels:
            if rel.group_id in skip_groups and moment.is_open(today):
                continue
            roll = rng.random()
            value = (
                "positive"
                if roll < share
                else ("neutral" if roll < share + (1 - share) * 0.7 else "negative")
            )
            step = (
                ""
                if value == "positive" or rng.random() < 0.15
                else rng.choice(["make", "keep", "deepen"])
            )
            ratings.append(Rating(relationship=rel, moment=moment, value=value, next_step=step))
    Rating.objects.bulk_create(ratings, ignore_conflicts=True)
    services.tallies_refresh(unit_id=unit.pk, school_year_id=year.pk)


def seed_measurement(*, units, users, password):
    today = timezone.localdate()
    current = SchoolYear.current(today)
    if current is None:
        return
    rng = random.Random(2026)  # noqa: S311 - demo data
    start = current.start_date.year
    zonnebloem, regenboog = units["zonnebloem"], units["regenboog"]
    years = [_year(start - 2), _year(start - 1), current]
    for offset, year in enumerate(years):
        first = not Relationship.objects.filter(unit=zonnebloem, school_year=year).exists()
        if first:
            rows = [
                imports.Row(n, f"Groep {grade}", grade, f"ZB-{offset - grade + 1}-{k}")
                for n, (grade, k) in enumerate(
                    ((g, k) for g in range(1, 9) for k in range(PER_GROUP)), start=1
                )
            ]
            imports.relationships_import(unit=zonnebloem, school_year=year, rows=rows, problems=[])
        ImplementationYear.objects.get_or_create(
            unit=zonnebloem, school_year=year, defaults={"number": offset + 2}
        )
        services.moments_create_default(unit=zonnebloem, school_year=year)
    # Regenboog: one year, its existing groups.
    if not Relationship.objects.filter(unit=regenboog, school_year=current).exists():
        groups = list(Group.objects.filter(unit=regenboog, school_year=current).order_by("grade"))
        rows = [
            imports.Row(n, g.name, g.grade, f"RB-{g.pk}-{k}")
            for n, (g, k) in enumerate(((g, k) for g in groups for k in range(20)), start=1)
        ]
        imports.relationships_import(unit=regenboog, school_year=current, rows=rows, problems=[])
    ImplementationYear.objects.get_or_create(
        unit=regenboog, school_year=current, defaults={"number": 2}
    )
    services.moments_create_default(unit=regenboog, school_year=current)
    for unit in (zonnebloem, regenboog):
        if not MeasurementMoment.objects.filter(
            unit=unit, opens_on__lte=today, closes_on__gte=today
        ).exists():
            MeasurementMoment.objects.get_or_create(
                unit=unit,
                date=today,
                defaults={
                    "school_year": current,
                    "opens_on": today - datetime.timedelta(days=3),
                    "closes_on": today + datetime.timedelta(days=14),
                    "title": "Extra meting",
                },
            )
    # leraar.zonnebloem teaches Groep 5 (left unrated at the open moment, to try it out).
    group5 = Group.objects.get(unit=zonnebloem, school_year=current, name="Groep 5")
    membership = Membership.objects.filter(user=users["leraar.zonnebloem"], unit=zonnebloem).first()
    if membership:
        membership.groups.add(group5)
    if not Rating.objects.filter(moment__unit=zonnebloem).exists():
        for year, shares in zip(years, [(0.55, 0.68), (0.7, 0.82), (0.82, 0.92)], strict=True):
            _rate(zonnebloem, year, shares, rng, skip_groups={group5.pk}, today=today)
    if not Rating.objects.filter(moment__unit=regenboog).exists():
        _rate(regenboog, current, (0.6, 0.72), rng, today=today)
    User = get_user_model()
    expert, created = User.objects.get_or_create(
        username="expertgroep.bestuur",
        defaults={
            "first_name": "Eva",
            "last_name": "Bestuur",
            "email": "expertgroep.bestuur@demo.glans.invalid",
        },
    )
    if created:
        expert.set_password(password)
        expert.save()
    membership_grant(
        user=expert, unit=regenboog, role_codes=[RoleCode.BOARD_EXPERTGROEP], school_year=current
    )
