"""Reads for a lesson page (its context beyond the body, the learner's answers and progress)
and lesson search."""

from __future__ import annotations

from django.db import DatabaseError, transaction
from django.urls import reverse
from wagtail.models import PageViewRestriction

from glans_learning.organisations import permissions

from ..completion import rules as completion
from ..models import (
    LessonPage,
    ProgrammePage,
)
from . import raw
from .outline import SIDEBAR_LESSONS, LessonFamily, lesson_window, next_module_first_lesson
from .rows import ProgressRow


def lesson_context(
    *,
    lesson: LessonPage,
    user,
    family: LessonFamily,
    responses: dict,
    progress_row,
    enrolled,
    statuses: dict | None = None,
) -> dict:
    """Everything a lesson page shows beyond its body, in a fixed number of queries. Reads
    only: the page records the visit first (services.lesson_view) and passes what it returned
    (`progress_row`, `enrolled`) and the learner's answers (`responses`)."""
    siblings, position, programme = family.siblings, family.position, family.programme
    lesson_pk = lesson.pk
    previous_lesson = siblings[position - 1] if position else None
    next_lesson = (
        siblings[position + 1] if position is not None and position + 1 < len(siblings) else None
    )
    next_module = None
    if next_lesson is None and position is not None:
        # The last lesson of a module leads on to the next module, not back to its own.
        following = next_module_first_lesson(lesson=lesson, family=family)
        if following is not None:
            next_module, next_lesson = following
    authenticated = getattr(user, "is_authenticated", False)
    enrollment = lesson_state = None
    sibling_statuses: dict = {}
    if authenticated and programme is not None and enrolled:
        enrollment = True
        lesson_state = completion.evaluate_lesson(lesson, progress_row, responses)
        # The sidebar shows where the learner stands in the lessons it lists.
        shown, _before, _after = lesson_window(siblings, lesson_pk, SIDEBAR_LESSONS)
        if statuses is None:  # not read with the learner's own row (lesson_progress_rows)
            statuses = raw.progress_statuses(
                user=user, lesson_ids=[s.pk for s in shown if s.pk != lesson_pk]
            )
        sibling_statuses = {s.pk: statuses[s.pk].status for s in shown if s.pk in statuses}
        if position is not None:
            sibling_statuses[lesson_pk] = lesson_state.status
    self_enrolment = False
    if authenticated and enrollment is None and programme is not None:
        self_enrolment = bool(
            ProgrammePage.objects.filter(pk=programme.pk)
            .values_list("self_enrolment", flat=True)
            .first()
        )
    # By the stored types: converting every block here would cost what lesson_body saves.
    has_trainer_notes = any(item["type"] == "trainer_note" for item in lesson.body.raw_data)
    return {
        "module": family.module,
        "programme": programme,
        "siblings": siblings,
        "sibling_statuses": sibling_statuses,
        "position": (position + 1) if position is not None else None,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "next_module": next_module,
        "enrollment": enrollment,
        "programme_self_enrolment": self_enrolment,
        "lesson_state": lesson_state,
        "glans_activity_state": responses if authenticated else {},
        "glans_learner_id": getattr(user, "pk", None),
        "sidebar_lessons": SIDEBAR_LESSONS,
        "glans_show_trainer_notes": authenticated
        and has_trainer_notes
        and permissions.can_see_trainer_notes(user),
        "glans_activity_url": reverse("glans_courses:activity", args=[lesson.pk, "x"])[:-2]
        if authenticated
        else None,
    }


def lesson_progress_row(*, user, lesson) -> ProgressRow | None:
    """The learner's progress on a lesson as a light row, or None. Every lesson page view reads
    it, so it is a raw read: Django compiling the equivalent queryset costs more than running
    it."""
    return raw.progress_row(user=user, lesson=lesson)


def lesson_progress_rows(*, user, lesson, family: LessonFamily) -> tuple[ProgressRow | None, dict]:
    """The learner's progress on this lesson, and {lesson id: progress} of the other lessons
    its sidebar shows: one query for what took two."""
    shown, _before, _after = lesson_window(family.siblings, lesson.pk, SIDEBAR_LESSONS)
    return raw.progress_row_and_statuses(
        user=user, lesson_id=lesson.pk, others=[s.pk for s in shown]
    )


def lesson_responses(*, user, lesson) -> dict:
    """The learner's answers on a lesson by block id (a raw read, see raw.py). A lesson
    without activities has none worth reading."""
    if not lesson.activity_summary:
        return {}
    return raw.responses(user=user, lesson=lesson)


SEARCH_LIMIT = 50


def lesson_search(*, request, query: str) -> tuple[list, bool]:
    """Live lessons matching `query` that the requester may open: pages behind a view
    restriction the request does not pass (login, groups, password) are left out. Returns
    (results, failed): `failed` when the search backend could not parse the query."""

    query = query.replace("\x00", "")
    query = "".join(c for c in query if not 0xD800 <= ord(c) <= 0xDFFF).strip()[:200]
    if not query:
        return [], False
    lessons = LessonPage.objects.live()
    for restriction in PageViewRestriction.objects.select_related("page"):
        if not restriction.accept_request(request):
            lessons = lessons.not_descendant_of(restriction.page, inclusive=True)
    try:
        with transaction.atomic():
            return list(lessons.search(query)[:SEARCH_LIMIT]), False
    except (DatabaseError, ValueError):
        # A query the backend cannot parse (quotes, operators) is no server error.
        return [], True


def practice_lessons(*, slugs, types) -> tuple[list[dict], list[dict]]:
    """For the rating grid's "from dof to practice" (measurement asks through a hook): the live
    lessons with one of `slugs` (the lesson steps) and those holding an exercise of one of
    `types`, trainer guides left out, in tree order."""
    # Every lesson's slug and exercise summary are read as plain values; only the few that
    # match become page objects (for their URL). Page objects with their bodies for every
    # lesson of the site made this most of the grid's time (issue #30).
    types = set(types)
    chosen = {}
    for pk, slug, summary in (
        LessonPage.objects.live()
        .filter(is_trainer_guide=False)
        .order_by("path")
        .values_list("pk", "slug", "activity_summary")
    ):
        if slug in slugs:
            chosen[pk] = "step"
        elif {a.get("xblock_type") for a in summary or []} & types:
            chosen[pk] = "exercise"
    steps, exercises = [], []
    if not chosen:
        return steps, exercises
    for lesson in (
        LessonPage.objects.filter(pk__in=list(chosen))
        .only("id", "slug", "title", "path", "depth", "url_path")
        .order_by("path")
    ):
        item = {"slug": lesson.slug, "title": lesson.title, "url": lesson.url}
        (steps if chosen[lesson.pk] == "step" else exercises).append(item)
    return steps, exercises
