"""Session visibility has one definition (courses/permissions.py); the programme page reads it
as raw SQL for speed (selectors.raw.programme_sessions). The two must agree for everybody."""

import pytest
from django.contrib.auth.models import AnonymousUser

from glans_learning.courses import selectors
from glans_learning.courses.permissions import sessions_visible_to
from tests.factories import SessionFactory


@pytest.fixture
def sessions(programme, zonnebloem, regenboog, other_teacher):
    own = SessionFactory(programme=programme, unit=zonnebloem, kind="team")
    other = SessionFactory(programme=programme, unit=regenboog, kind="team")
    academy = SessionFactory(programme=programme, unit=None)
    trained = SessionFactory(programme=programme, unit=regenboog, kind="tdt")
    return own, other, academy, trained


@pytest.mark.parametrize(
    "who", ["teacher", "director", "other_teacher", "academy_trainer", "trainer", "anonymous"]
)
def test_the_raw_sql_agrees_with_the_definition(request, sessions, programme, who, teacher):
    *_, trained = sessions
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "trainer":
        user = teacher
        trained.trainers.add(teacher)
    else:
        user = request.getfixturevalue(who)
    raw = [s.pk for s in selectors.programme_sessions(user=user, programme=programme)]
    orm = list(
        sessions_visible_to(user)
        .filter(programme=programme)
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
    )
    assert raw == orm


def test_the_comparison_can_fail(sessions, programme, teacher):
    """A sanity check of the test itself: a teacher sees fewer sessions than an academy
    trainer would."""
    raw = selectors.programme_sessions(user=teacher, programme=programme)
    assert len(raw) < len(sessions)
