"""Data for the dashboards and work lists in the page benchmark (bench/run.py, issue #30).

`build(...)` makes, next to the benchmark's learner and programmes, a school with teams,
groups, ratings, handbooks and applications, and returns `{name: (client, url)}`: each screen
with a client logged in as the person who uses it (auditors with a verified second factor,
as after the two-factor page). Bulk inserts where the services would only make it slower
(learners with progress, relationships and ratings); the services where the state matters
(enrolments of the benchmark's learner, handbooks, applications and their audit steps).
"""

from __future__ import annotations

import datetime

TEAM_SIZES = (10, 200)
GRID_FAMILIES = 30
SCHOOL_GROUPS = 8
PAST_MOMENTS = 3
APPLICATIONS = 6


def _client(user):
    from django.test import Client

    from tests.factories import log_in

    return log_in(Client(), user)


def _rated_groups(unit, year, groups, families, moments, today, first=0):
    """`groups` groups of `families` pseudonymous relationships (no labels), each rated at
    every past moment (bulk); numbered from `first` + 1 (to add groups to a school)."""
    from glans_learning.measurement import services
    from glans_learning.measurement.models import Family, Rating, Relationship
    from glans_learning.organisations.models import Group

    made = []
    values = ("positive", "neutral", "negative", "positive")
    for g in range(groups):
        group = Group.objects.create(
            unit=unit, name=f"Groep {first + g + 1}", school_year=year, grade=(first + g) % 8 + 1
        )
        families_made = [
            services.family_for_key(
                unit=unit,
                key_hash=services.pupil_key_hash(unit_id=unit.pk, pupil_key=f"{group.pk}-{i}"),
            )
            for i in range(families)
        ]
        rels = Relationship.objects.bulk_create(
            [
                Relationship(unit=unit, school_year=year, group=group, family=family)
                for family in families_made
            ]
        )
        Rating.objects.bulk_create(
            [
                Rating(
                    relationship=rel,
                    moment=moment,
                    value=values[(i + m) % len(values)],
                    next_step="make" if values[(i + m) % len(values)] != "positive" else "",
                )
                for i, rel in enumerate(rels)
                for m, moment in enumerate(moments)
                if moment.date < today
            ]
        )
        made.append(group)
    assert Family.objects.filter(unit=unit).count() >= groups * families
    return made


def build(*, board, year, workdir, learner, learner_client, teams: bool = True) -> dict:
    """Everything for the screens; returns {name: (client, url)}. `teams=False` leaves out
    the team dashboard's programme and learners (most of the build time; make load does not
    request them)."""
    from django.urls import reverse
    from django.utils import timezone

    from glans_learning.certification import services as certification
    from glans_learning.courses.models import LessonPage
    from glans_learning.measurement.models import MeasurementMoment
    from glans_learning.organisations.models import OrganisationUnit
    from glans_learning.organisations.permissions import forget_roles
    from glans_learning.organisations.services import membership_grant
    from tests.builders import build_programme
    from tests.certification.conftest import write_and_publish
    from tests.courses.test_query_counts import _bulk_team
    from tests.factories import person

    screens = {}
    today = timezone.localdate()

    # --- team dashboard: one programme of 30 lessons, a team of 10 and one of 200 ----------
    if teams:
        programme = build_programme(
            workdir / "team", slug="teamprogramma", modules=5, lessons_per_module=6, words=100
        )
        assert LessonPage.objects.descendant_of(programme).count() == 30
    director = person("directeur", unit=None, roles=[])
    units = {}
    for size in TEAM_SIZES:
        unit = OrganisationUnit.objects.create(board=board, name=f"Team {size}", unit_type="po")
        membership_grant(user=director, unit=unit, role_codes=["director", "tdt_participant"])
        if teams:
            _bulk_team(programme, unit, year, size)
        units[size] = unit
    director_client = _client(director)
    for size, unit in units.items() if teams else ():
        screens[f"team dashboard ({size} learners)"] = (
            director_client,
            f"{reverse('glans_courses:team')}?unit={unit.pk}&programme={programme.pk}",
        )

    # --- learner dashboard: the benchmark's learner (3 programmes, with progress) ----------
    screens["learner dashboard (my route)"] = (learner_client, reverse("glans_courses:my_route"))

    # --- oudervolgsysteem: a school of 8 groups of 30, three past moments and an open one --
    school = units[TEAM_SIZES[0]]
    moments = [
        MeasurementMoment.objects.create(
            unit=school,
            school_year=year,
            date=today - datetime.timedelta(days=3 * (PAST_MOMENTS - k)),
            opens_on=today - datetime.timedelta(days=3 * (PAST_MOMENTS - k) + 1),
            closes_on=today - datetime.timedelta(days=3 * (PAST_MOMENTS - k) - 1),
        )
        for k in range(PAST_MOMENTS)
    ]
    moments.append(
        MeasurementMoment.objects.create(
            unit=school,
            school_year=year,
            date=today,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=7),
        )
    )
    groups = _rated_groups(school, year, SCHOOL_GROUPS, GRID_FAMILIES, moments, today)
    teacher = person("leerkracht", unit=school, roles=["learner"])
    teacher.glans_memberships.get(unit=school).groups.add(groups[0])
    forget_roles(teacher)
    screens[f"rating grid (group of {GRID_FAMILIES})"] = (
        _client(teacher),
        reverse("glans_measurement:grid", args=[groups[0].pk]),
    )
    screens[f"school measurement ({SCHOOL_GROUPS} groups)"] = (
        director_client,
        reverse("glans_measurement:school", args=[school.pk]),
    )

    # --- certification: the school's overview, and an auditor's work list -------------------
    auditor = person("auditor", unit=None, roles=["academy_auditor"])
    other_auditor = person("auditor2", unit=None, roles=["academy_auditor"])
    handbook = write_and_publish(
        certification.handbook_start(unit=school, school_year=year, user=director), director
    )
    application = certification.application_submit(unit=school, user=director, school_year=year)
    certification.intake_record(application=application, user=auditor, complete=True)
    # More schools with an application each, in different states.
    for n in range(APPLICATIONS - 1):
        unit = OrganisationUnit.objects.create(board=board, name=f"Aanvrager {n}", unit_type="po")
        membership_grant(user=director, unit=unit, role_codes=["director"])
        write_and_publish(
            certification.handbook_start(unit=unit, school_year=year, user=director), director
        )
        other = certification.application_submit(unit=unit, user=director, school_year=year)
        if n % 3 == 1:
            certification.intake_record(application=other, user=auditor, complete=True)
        elif n % 3 == 2:
            certification.intake_record(application=other, user=other_auditor, complete=True)
    assert handbook.live
    screens["certification overview (school)"] = (
        director_client,
        reverse("glans_certification:unit", args=[school.pk]),
    )
    screens[f"auditor work list ({APPLICATIONS} applications)"] = (
        _client(auditor),
        reverse("glans_certification:worklist"),
    )
    return screens
