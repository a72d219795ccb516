"""Raw SQL reads of the team dashboard's page of learners (issue #30), under the rules of
raw.py and with its helpers; tests/courses/test_outline.py compares each with the ORM."""

from __future__ import annotations

from functools import cache

from django.db import connection

from ..models import (
    LessonProgress,
    ModuleCompletion,
    ProgrammeCompletion,
    Session,
    SessionRegistration,
)
from .raw import _col, _converted, _converters, _fetched, _marks, _table


def team_statuses(*, user_ids, lesson_ids) -> list[tuple]:
    """(user id, lesson id, stored status) of these learners on these lessons: the team
    dashboard's page of learners on a programme (issue #30; as a queryset, Django's
    compilation and per-row iteration cost more than the query).

    Read by learner: the unary plus keeps the lesson index out of the plan. A lesson has a
    row for every learner of every school, a learner one per lesson visited; SQLite, whose
    statistics can favour the lesson index (many lessons, few learners each), otherwise read
    every learner's rows of the programme and dropped those of other learners (3.2 ms against
    1.3 ms for a page of 50 learners × 30 lessons in the benchmark)."""
    if not user_ids or not lesson_ids:
        return []
    owner, lesson = _col(LessonProgress, "user"), _col(LessonProgress, "lesson")
    return _fetched(
        f"SELECT {owner}, {lesson}, {_col(LessonProgress, 'status')} "  # noqa: S608 - names from _meta
        f"FROM {_table(LessonProgress)} WHERE {owner} IN ({_marks(user_ids)}) "
        f"AND +{lesson} IN ({_marks(lesson_ids)})",
        [*user_ids, *lesson_ids],
    )


def team_module_completions(*, user_ids, module_ids) -> list[tuple]:
    """(user id, module id) of the recorded completions of these learners on these modules:
    the team dashboard's page of learners (issue #30; the ORM prepared each id of the page
    again in every such query)."""
    if not user_ids or not module_ids:
        return []
    owner, module = _col(ModuleCompletion, "user"), _col(ModuleCompletion, "module")
    return _fetched(
        f"SELECT {owner}, {module} FROM {_table(ModuleCompletion)} "  # noqa: S608 - names from _meta
        f"WHERE {owner} IN ({_marks(user_ids)}) AND {module} IN ({_marks(module_ids)})",
        [*user_ids, *module_ids],
    )


@cache
def _completed_at_converters(vendor: str) -> list:
    """The converters of (user id, completed_at) rows of programme completions."""
    return _converters(
        [ProgrammeCompletion._meta.get_field(name) for name in ("user", "completed_at")]
    )


def team_programme_completions(*, user_ids, programme_id: int) -> dict:
    """{user id: completed_at} of these learners' completions of a programme."""
    if not user_ids:
        return {}
    owner = _col(ProgrammeCompletion, "user")
    converters = _completed_at_converters(connection.vendor)
    rows = _fetched(
        f"SELECT {owner}, {_col(ProgrammeCompletion, 'completed_at')} "  # noqa: S608 - names from _meta
        f"FROM {_table(ProgrammeCompletion)} WHERE {owner} IN ({_marks(user_ids)}) "
        f"AND {_col(ProgrammeCompletion, 'programme')} = %s",
        [*user_ids, programme_id],
    )
    return dict(_converted(row, converters) if converters else row for row in rows)


def team_official_attendance(*, user_ids, programme_id: int) -> list[tuple]:
    """(user id, attendance) of these learners' registrations for the official sessions of a
    programme (as programme_official_registrations, for a team)."""
    if not user_ids:
        return []
    owner, session = (
        _col(SessionRegistration, "user", "r"),
        _col(SessionRegistration, "session", "r"),
    )
    return _fetched(
        f"SELECT {owner}, {_col(SessionRegistration, 'attendance', 'r')} "  # noqa: S608 - names from _meta
        f"FROM {_table(SessionRegistration)} r JOIN {_table(Session)} s "
        f"ON {_col(Session, 'pk', 's')} = {session} WHERE {owner} IN ({_marks(user_ids)}) "
        f"AND {_col(Session, 'programme', 's')} = %s AND {_col(Session, 'is_official', 's')} = %s",
        [*user_ids, programme_id, True],
    )
