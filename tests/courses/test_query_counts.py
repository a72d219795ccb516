"""Pages and dashboards run a fixed number of queries, whatever the size of the programme,
the team or the number of learners."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from glans_learning.courses import services
from glans_learning.courses.models import (
    Enrollment,
    LessonPage,
    LessonProgress,
    LessonStatus,
    ModuleCompletion,
    ModulePage,
    ProgrammeCompletion,
)
from tests.builders import build_programme
from tests.factories import UnitFactory, UserFactory, person


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def learner_with_progress(programme, unit, year, username):
    user = person(username, unit=unit)
    Enrollment.objects.create(user=user, programme=programme, school_year=year, unit=unit)
    for lesson in LessonPage.objects.descendant_of(programme).order_by("path")[:3]:
        services.lesson_open(user=user, lesson=lesson)
    return user


def test_lesson_module_and_programme_pages_are_flat_in_programme_size(
    client, tmp_path, zonnebloem, year, django_assert_max_num_queries
):
    small = build_programme(tmp_path / "s", slug="klein", modules=1, lessons_per_module=5)
    large = build_programme(tmp_path / "l", slug="groot", modules=4, lessons_per_module=50)
    counts = {}
    for name, programme in (("small", small), ("large", large)):
        user = learner_with_progress(programme, zonnebloem, year, f"lerende-{name}")
        client.force_login(user)
        module = ModulePage.objects.child_of(programme).order_by("path").first()
        lesson = LessonPage.objects.child_of(module).order_by("path")[2]
        count_queries(client, lesson.url)  # warm caches (site root paths) the same way for both
        counts[name] = {
            "lesson": count_queries(client, lesson.url),
            "module": count_queries(client, module.url),
            "programme": count_queries(client, programme.url),
        }
        client.logout()
    assert counts["small"] == counts["large"], counts
    # Session, user, site, nav (5) and routing below the programme index in one query plus
    # the view restrictions in one (courses/views/pages.py; Wagtail's level-by-level
    # routing and restriction look-ups took 10 for a lesson).
    assert counts["large"]["lesson"] <= 12, counts
    assert counts["large"]["module"] <= 14, counts
    assert counts["large"]["programme"] <= 15, counts
    client.force_login(UserFactory(username="bezoeker"))
    url = LessonPage.objects.child_of(ModulePage.objects.child_of(large).first()).first().url
    client.get(url)
    with django_assert_max_num_queries(14):
        client.get(url)


def test_lesson_page_is_flat_in_number_of_learners(client, tmp_path, zonnebloem, year):
    programme = build_programme(tmp_path, slug="p", modules=1, lessons_per_module=5)
    lesson = LessonPage.objects.descendant_of(programme).order_by("path")[1]
    first = learner_with_progress(programme, zonnebloem, year, "eerste")
    client.force_login(first)
    count_queries(client, lesson.url)
    few = count_queries(client, lesson.url)
    for i in range(30):
        learner_with_progress(programme, zonnebloem, year, f"extra-{i}")
    many = count_queries(client, lesson.url)
    assert few == many


def _bulk_team(programme, unit, year, size):
    """`size` enrolled learners, each with progress on every lesson (bulk, for speed)."""
    from glans_learning.organisations.models import Membership, Role

    learner = Role.objects.get(code="learner")
    users = [UserFactory.build(username=f"team{size}-{i}") for i in range(size)]
    for u in users:
        u.set_unusable_password()
    users = UserFactory._meta.model.objects.bulk_create(users)
    memberships = Membership.objects.bulk_create([Membership(user=u, unit=unit) for u in users])
    Membership.roles.through.objects.bulk_create(
        [Membership.roles.through(membership_id=m.pk, role_id=learner.pk) for m in memberships]
    )
    Enrollment.objects.bulk_create(
        [Enrollment(user=u, programme=programme, school_year=year, unit=unit) for u in users]
    )
    now = timezone.now()
    lessons = list(LessonPage.objects.descendant_of(programme))
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(
                user=u,
                lesson=lesson,
                first_visit_at=now,
                last_visit_at=now,
                status=LessonStatus.COMPLETED if i % 2 else LessonStatus.IN_PROGRESS,
            )
            for u in users
            for i, lesson in enumerate(lessons)
        ]
    )


def test_team_dashboard_is_flat_from_10_to_200_learners(
    client, tmp_path, director, zonnebloem, year
):
    programme = build_programme(
        tmp_path, slug="team", modules=5, lessons_per_module=6
    )  # 30 lessons
    client.force_login(director)
    url = f"{reverse('glans_courses:team')}?unit={zonnebloem.pk}&programme={programme.pk}"
    _bulk_team(programme, zonnebloem, year, 10)
    count_queries(client, url)
    small = count_queries(client, url)
    _bulk_team(programme, zonnebloem, year, 190)
    # Four pages of 50 (courses/selectors/team.py): every learner of the team on one of
    # them, none left out, each page for the same number of queries as a team of 10.
    rows = []
    for page in (1, 2, 3, 4):
        response = client.get(f"{url}&page={page}")
        assert response.context["matrix"]["total"] == 200
        rows += response.context["matrix"]["rows"]
        assert count_queries(client, f"{url}&page={page}") == small
    assert len(rows) == 200
    assert {r["user"].username for r in rows} == {
        *(f"team10-{i}" for i in range(10)),
        *(f"team190-{i}" for i in range(190)),
    }
    large = count_queries(client, url)
    assert small == large
    assert len(client.get(url + "&export=csv").content.decode().strip().splitlines()) == 201


def test_team_progress_api_is_flat(client, tmp_path, director, zonnebloem, year):
    programme = build_programme(tmp_path, slug="api", modules=2, lessons_per_module=3)
    client.force_login(director)
    url = reverse("glans_api:team_progress", kwargs={"unit_id": zonnebloem.pk})
    url = f"{url}?programme={programme.pk}"
    _bulk_team(programme, zonnebloem, year, 5)
    count_queries(client, url)
    small = count_queries(client, url)
    _bulk_team(programme, zonnebloem, year, 60)
    assert count_queries(client, url) == small
    assert len(client.get(url).json()["rows"]) == 65


def test_learner_dashboard_is_flat_in_lessons_and_enrolments(client, tmp_path, zonnebloem, year):
    """'Mijn leerroute', where a learner lands after logging in: the same number of queries
    for a programme of 3 lessons and one of 40, and for one enrolment and three."""
    from glans_learning.core.navigation import landing_url_for

    small = build_programme(tmp_path / "s", slug="kort", modules=1, lessons_per_module=3)
    large = build_programme(tmp_path / "l", slug="lang", modules=4, lessons_per_module=10)
    third = build_programme(tmp_path / "d", slug="derde", modules=2, lessons_per_module=2)
    url = reverse("glans_courses:my_route")
    counts = {}
    for name, programmes in (
        ("small", [small]),
        ("large", [large]),
        ("three", [small, large, third]),
    ):
        user = person(f"lerende-{name}", unit=zonnebloem)
        for programme in programmes:
            Enrollment.objects.create(
                user=user, programme=programme, school_year=year, unit=zonnebloem
            )
            for lesson in LessonPage.objects.descendant_of(programme).order_by("path")[:2]:
                services.lesson_open(user=user, lesson=lesson)
        assert landing_url_for(user) == url
        client.force_login(user)
        count_queries(client, url)
        counts[name] = count_queries(client, url)
        assert len(client.get(url).context["states"]) == len(programmes)
    assert counts["small"] == counts["large"] == counts["three"], counts
    # Pinned (issue #30): session, user, enrolments, the tree, progress, module
    # and programme completions, roles, visible sessions, upcoming sessions, preference, the
    # self-enrolment programmes, the nav's programme index, points, certificates. (The tree
    # and self-enrolment reads come from the tree's copy outside a test's transaction.)
    assert counts["three"] <= 15, counts


def _state_summary(state):
    return (
        state.programme.pk,
        state.status,
        state.percent,
        state.sessions_attended,
        state.sessions_required,
        state.sessions_total,
        [str(item) for item in state.open],
        state.completed_at,
        getattr(state.next_lesson, "pk", None),
        state.enrollment.pk,
        [
            (m.module.pk, m.module.href, m.status, m.percent, [str(i) for i in m.open])
            + tuple((ls.lesson.pk, ls.lesson.href, ls.status, ls.percent) for ls in m.lessons)
            for m in state.modules
        ],
    )


def test_learner_dashboard_agrees_with_programme_progress(tmp_path, zonnebloem, year):
    """The dashboard reads all enrolments at once; per programme it must say what
    programme_progress says (sessions, attendance and a completed programme included)."""
    import datetime

    from glans_learning.courses.selectors import learner_dashboard, programme_progress
    from tests.factories import SessionFactory

    first = build_programme(tmp_path / "a", slug="een", modules=2, lessons_per_module=3)
    second = build_programme(
        tmp_path / "b", slug="twee", modules=1, lessons_per_module=2, required_sessions=1
    )
    third = build_programme(tmp_path / "c", slug="drie", modules=1, lessons_per_module=1)
    user = person("lerende-vergelijk", unit=zonnebloem)
    for programme in (first, second, third):
        Enrollment.objects.create(user=user, programme=programme, school_year=year, unit=zonnebloem)
    now = timezone.now()
    for i, lesson in enumerate(LessonPage.objects.descendant_of(first).order_by("path")[:4]):
        status = LessonStatus.COMPLETED if i < 3 else LessonStatus.IN_PROGRESS
        LessonProgress.objects.create(
            user=user, lesson=lesson, first_visit_at=now, last_visit_at=now, status=status
        )
    ModuleCompletion.objects.create(
        user=user,
        module=ModulePage.objects.child_of(first).order_by("path").first(),
        completed_at=now,
        requirements={"lessons": []},
    )
    services.lesson_open(user=user, lesson=LessonPage.objects.descendant_of(second).first())
    ProgrammeCompletion.objects.create(user=user, programme=third, completed_at=now)
    past = timezone.now() - datetime.timedelta(days=2)
    session = SessionFactory(
        programme=second, unit=zonnebloem, is_official=True, starts_at=past, kind="team"
    )
    SessionFactory(programme=second, unit=None)  # visible, not attended
    SessionFactory(programme=first, unit=UnitFactory())  # another school's: not visible
    from glans_learning.courses.models import SessionRegistration

    SessionRegistration.objects.create(session=session, user=user, attendance="present")
    for detailed in (False, True):
        states = learner_dashboard(user=user, detailed=detailed)["states"]
        assert [s.programme.pk for s in states] == [first.pk, second.pk, third.pk]
        for state in states:
            expected = programme_progress(
                user=user, programme=state.programme, enrollment=state.enrollment, detailed=detailed
            )
            assert _state_summary(state) == _state_summary(expected)
    summaries = {s.programme.pk: s for s in learner_dashboard(user=user)["states"]}
    assert summaries[third.pk].status == "completed"
    assert summaries[second.pk].sessions_total == 2 and summaries[second.pk].sessions_attended == 1
    assert summaries[first.pk].sessions_total == 0


def test_team_dashboard_reads_each_filter_list_once(client, tmp_path, director, zonnebloem, year):
    """The filter's units, programmes and school years: one read each, for the value and the
    options alike (Django's ModelChoiceField read a list up to three times)."""
    programme = build_programme(tmp_path, slug="filter", modules=1, lessons_per_module=2)
    client.force_login(director)
    url = f"{reverse('glans_courses:team')}?unit={zonnebloem.pk}&programme={programme.pk}"
    url += f"&school_year={year.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert f'<option value="{zonnebloem.pk}" selected>' in response.content.decode()
    lists = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(
            (
                'SELECT "glans_organisations_organisationunit"."id"',
                'SELECT "glans_organisations_schoolyear"."id"',
            )
        )
        or ('FROM "glans_courses_programmepage"' in q["sql"] and "ORDER BY" in q["sql"])
    ]
    assert len(lists) == 3, lists
