"""The school's certification overview and the auditor's work list run a fixed number of
queries, whatever the number of schools and applications (issue #30)."""

from django.urls import reverse

from glans_learning.certification import services
from glans_learning.certification.models import Application, Status
from glans_learning.organisations.services import membership_grant
from tests.certification.conftest import write_and_publish
from tests.courses.test_query_counts import count_queries
from tests.factories import UnitFactory, log_in, person

UNIT_OVERVIEW_QUERIES = 18  # the school's certification overview, as its director (19, 21 before)
STATES = (Status.SUBMITTED, Status.REVIEW, Status.CONVERSATION, Status.DECISION, Status.NOT_YET)


def _applications(board, year, director, auditor, other_auditor, n, *, start=0):
    """`n` schools, each with a handbook and an application in one of several states (open
    ones for the work list, some decided), the auditors taking turns."""
    for i in range(start, start + n):
        unit = UnitFactory(board=board, name=f"Aanvrager {i}")
        membership_grant(user=director, unit=unit, role_codes=["director"])
        handbook = services.handbook_start(unit=unit, school_year=year, user=director)
        state = STATES[i % len(STATES)]
        Application.objects.create(
            unit=unit,
            school_year=year,
            criterion_set=handbook.criterion_set,
            handbook=handbook,
            submitted_by=director,
            status=state,
            auditor=None if state == Status.SUBMITTED else (auditor, other_auditor)[i % 2],
        )


def test_auditor_work_list_is_flat_in_applications_and_schools(
    client, zonnebloem, director, auditor, second_auditor, year
):
    url = reverse("glans_certification:worklist")
    _applications(zonnebloem.board, year, director, auditor, second_auditor, 2)
    log_in(client, auditor)
    count_queries(client, url)  # warm (session, roles, second factor)
    small = count_queries(client, url)
    _applications(zonnebloem.board, year, director, auditor, second_auditor, 18, start=2)
    _applications(UnitFactory().board, year, director, auditor, second_auditor, 3, start=20)
    response = client.get(url)
    assert response.status_code == 200
    listed = response.context["mine"] + response.context["unassigned"] + response.context["others"]
    assert len(listed) == Application.objects.exclude(status=Status.NOT_YET).count() > 15
    assert count_queries(client, url) == small


def test_certification_overview_is_flat_in_schools_and_applications(
    client, zonnebloem, director, auditor, second_auditor, year
):
    """The school's overview (where the certification index takes a director): its
    pre-checks, handbook, application and certificate, with more applications in its own
    history and more schools elsewhere."""
    handbook = write_and_publish(
        services.handbook_start(unit=zonnebloem, school_year=year, user=director), director
    )
    application = services.application_submit(unit=zonnebloem, user=director, school_year=year)
    services.intake_record(application=application, user=auditor, complete=True)
    log_in(client, director)
    assert client.get(reverse("glans_certification:index")).url == reverse(
        "glans_certification:unit", args=[zonnebloem.pk]
    )
    url = reverse("glans_certification:unit", args=[zonnebloem.pk])
    count_queries(client, url)
    small = count_queries(client, url)
    # 21 before issue #30's second round (23 in bench/run.py): the certificates are read once
    # (were twice), the Expertgroep in one query (were two).
    assert small <= UNIT_OVERVIEW_QUERIES
    Application.objects.bulk_create(
        [
            Application(
                unit=zonnebloem,
                school_year=year,
                criterion_set=handbook.criterion_set,
                handbook=handbook,
                submitted_by=director,
                status=Status.NOT_YET,
                auditor=auditor,
            )
            for _ in range(10)
        ]
    )
    _applications(zonnebloem.board, year, director, auditor, second_auditor, 8)
    assert count_queries(client, url) == small


def test_workshop_and_tdt_figures_count_in_one_query_each(
    tmp_path, zonnebloem, regenboog, year, django_assert_num_queries
):
    """The pre-checks' figures: each read as one aggregate (they were two counts)."""
    import datetime

    from django.utils import timezone

    from glans_learning.certification.selectors import tdt_figures, workshop_figures
    from glans_learning.courses.models import Enrollment, ProgrammeCompletion, SessionRegistration
    from tests.builders import build_programme
    from tests.factories import SessionFactory, person

    workshop = build_programme(tmp_path, slug="workshop", modules=1, lessons_per_module=1)
    people = [person(f"collega-{i}", unit=zonnebloem, roles=["tdt_participant"]) for i in range(4)]
    for i, user in enumerate(people[:3]):
        Enrollment.objects.create(user=user, programme=workshop, school_year=year, unit=zonnebloem)
        if i == 0:
            ProgrammeCompletion.objects.create(
                user=user, programme=workshop, completed_at=timezone.now()
            )
    outsider = person("elders", unit=regenboog, roles=["tdt_participant"])
    Enrollment.objects.create(user=outsider, programme=workshop, school_year=year, unit=regenboog)
    past = timezone.now() - datetime.timedelta(days=3)
    meeting = SessionFactory(
        programme=workshop, kind="tdt", school_year=year, starts_at=past, unit=None
    )
    for user, attendance in zip(
        [*people, outsider], ["present", "made_up", "absent", "unknown", "present"], strict=True
    ):
        SessionRegistration.objects.create(session=meeting, user=user, attendance=attendance)
    with django_assert_num_queries(1):
        assert workshop_figures(unit=zonnebloem, school_year=year) == {
            "enrolled": 3,
            "completed": 1,
            "share": 33,
        }
    with django_assert_num_queries(1):
        assert tdt_figures(unit=zonnebloem, school_year=year) == {
            "registrations": 3,
            "attended": 2,
            "share": 67,
        }


def test_board_overview_is_flat_in_schools(
    client, zonnebloem, regenboog, director, other_director, auditor, second_auditor, year
):
    """The board's certification overview (issue #30): every school's state and pre-checks
    in the same number of queries for 2 schools and for 10 (it was some twenty per school)."""
    write_and_publish(
        services.handbook_start(unit=zonnebloem, school_year=year, user=director), director
    )
    services.application_submit(unit=zonnebloem, user=director, school_year=year)
    services.handbook_start(unit=regenboog, school_year=year, user=other_director)  # a draft
    log_in(client, person("bestuur.eg", unit=regenboog, roles=["board_expertgroep"]))
    url = reverse("glans_certification:board", args=[zonnebloem.board_id])
    count_queries(client, url)  # warm (session, roles)
    small = count_queries(client, url)
    _applications(zonnebloem.board, year, director, auditor, second_auditor, 8)
    response = client.get(url)
    assert len(response.context["rows"]) == 10
    assert {row["status"] for row in response.context["rows"]} >= {"applied", "not_yet"}
    assert count_queries(client, url) == small


def test_board_certification_api_is_flat_in_schools(
    client, zonnebloem, regenboog, director, other_director, auditor, second_auditor, year
):
    """/api/v1/boards/{id}/certification (issue #30): every school's state, pre-checks,
    application and certificate in the same number of queries for 2 schools and for 10 (it
    read each school on its own, some twenty-five queries a school)."""
    write_and_publish(
        services.handbook_start(unit=zonnebloem, school_year=year, user=director), director
    )
    services.application_submit(unit=zonnebloem, user=director, school_year=year)
    services.handbook_start(unit=regenboog, school_year=year, user=other_director)  # a draft
    client.force_login(person("bestuur.api", unit=regenboog, roles=["board_expertgroep"]))
    url = f"/api/v1/boards/{zonnebloem.board_id}/certification"
    count_queries(client, url)  # warm (session, roles)
    small = count_queries(client, url)
    _applications(zonnebloem.board, year, director, auditor, second_auditor, 8)
    body = client.get(url).json()
    assert len(body["units"]) == 10
    assert {row["status"] for row in body["units"]} >= {"applied", "not_yet", "preparing"}
    assert all(row["prechecks"] for row in body["units"])
    assert count_queries(client, url) == small


def test_the_menu_knows_a_school_team_reads_certification_without_a_query(
    zonnebloem, regenboog, director, teacher, tdt_teacher, auditor, django_assert_num_queries
):
    """The certification menu on every page asks whether the user may read some school's
    certification: the same answer as certification_units(user).exists(), without a query
    for a school's team once their roles are read, once per request for academy staff."""
    from glans_learning.organisations import permissions

    board_member = person("bestuur.menu", unit=regenboog, roles=["board_expertgroep"])
    staff = person("academie.menu", unit=None, roles=["academy_trainer"])
    nobody = person("niemand.menu", unit=None, roles=["learner"])
    users = [director, teacher, tdt_teacher, auditor, board_member, staff, nobody]
    answers = {user.username: permissions.certification_units(user).exists() for user in users}
    assert set(answers.values()) == {True, False}
    academy = {user.username for user in users if permissions.user_roles(user).is_academy}
    assert academy and len(academy) < len(users)
    for user in users:
        expected = 1 if user.username in academy else 0
        with django_assert_num_queries(expected):
            assert permissions.has_certification_units(user) is answers[user.username]
            assert permissions.has_certification_units(user) is answers[user.username]
