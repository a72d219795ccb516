"""A lesson page with three exercises renders in a bounded number of queries: one for the
learner state of all its exercises on top of the lesson page's own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glans_learning.content.material import load_material
from tests.conftest import FIXTURE_MATERIAL

pytest.importorskip("xblock")


@pytest.fixture
def exercise_lesson(db, teacher):
    from glans_learning.courses import services
    from glans_learning.courses.material_loader import load
    from glans_learning.courses.models import LessonPage, ProgrammePage
    from tests.courses.test_progress_support import current_year

    current_year()
    load(load_material(FIXTURE_MATERIAL / "oefeningen"))
    services.enrol(user=teacher, programme=ProgrammePage.objects.get(slug="oefenproef"), by=teacher)
    return LessonPage.objects.get(slug="oefenles")


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_lesson_with_three_exercises_has_a_bounded_query_count(client, teacher, exercise_lesson):
    from glans_learning.courses.models import LessonPage

    client.force_login(teacher)
    one = LessonPage.objects.get(slug="sorteren")
    client.get(one.url)  # first visits record progress; warm caches
    client.get(exercise_lesson.url)
    with_one, html = count(client, one.url)
    assert html.count('class="xblock glans-exercise') == 1
    with_three, html = count(client, exercise_lesson.url)
    assert html.count('class="xblock glans-exercise') == 3
    # The learner state of all the page's exercises is one query: three exercises cost no more
    # than one, and the page one query more than a lesson without exercises (13). "sorteren" is
    # its module's last lesson, which reads one more: the next module's first lesson (the
    # "volgende" link, issue #25).
    assert with_three <= with_one <= with_three + 1, (with_one, with_three)
    assert with_three <= 14, with_three
