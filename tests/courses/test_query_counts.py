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
    ModulePage,
)
from tests.builders import build_programme
from tests.factories import UserFactory, person


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
    assert counts["large"]["lesson"] <= 13, counts
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
    response = client.get(url)
    rows = response.context["matrix"]["rows"]
    assert len(rows) == 200  # every learner of the team, none left out
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
