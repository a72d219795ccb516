"""Reads of learners' progress: per module and programme and the learner's dashboard (the
team dashboard's matrix is in team.py). A fixed number of queries, whatever the size of the
programme."""

from __future__ import annotations

import os

from django.db.models import F
from django.utils import timezone

from ..completion import rules
from ..models import (
    ActivityResponse,
    Enrollment,
    LessonProgress,
    PracticalAssessment,
    Session,
    SessionRegistration,
)
from . import raw
from .outline import STEP, programme_outline
from .rows import LessonItem, ModuleItem, PageLink, ProgressRow, module_minutes
from .sessions import programme_sessions_for, session_visibility


def _progress_rows(user, lesson_ids=None, *, detailed=True, under=None):
    """The learner's stored progress per lesson. Overviews need the status only; reading
    fewer (datetime) columns keeps long programmes fast. `under` (a page path) selects the
    lessons below a programme or module without a long IN list."""
    if not detailed and under is not None:
        # Module and programme pages: a raw read, as for the tree (see raw.py).
        return raw.progress_statuses_under(user=user, under=under)
    queryset = LessonProgress.objects.filter(user=user)
    if under is not None:
        queryset = queryset.filter(lesson__path__startswith=under)
    else:
        queryset = queryset.filter(lesson_id__in=lesson_ids)
    if not detailed:
        return {
            lesson_id: ProgressRow(lesson_id, status, None, 0, 0, None)
            for lesson_id, status in queryset.values_list("lesson_id", "status")
        }
    fields = (
        "lesson_id",
        "status",
        "completed_at",
        "visits",
        "time_spent_seconds",
        "last_visit_at",
    )
    return {row[0]: ProgressRow(*row) for row in queryset.values_list(*fields)}


def _responses_by_lesson(user, lesson_ids):
    responses: dict[int, dict] = {}
    for r in ActivityResponse.objects.filter(user=user, lesson_id__in=lesson_ids).only(
        "lesson_id", "block_id", "score", "kind"
    ):
        responses.setdefault(r.lesson_id, {})[r.block_id] = r
    return responses


def module_progress(*, user, module, lessons, detailed=False):
    """Module progress. Without `detailed`, lessons are judged by their stored status only
    (what overview pages need); with it, each lesson's open requirements are worked out."""

    ids = [lesson.pk for lesson in lessons]
    rows = _progress_rows(user, detailed=detailed, under=module.path)
    responses = _responses_by_lesson(user, ids) if detailed else None
    completion = raw.module_completions(user=user, module_ids=[module.pk]).get(module.pk)
    return rules.evaluate_module(module, lessons, rows, responses, completion)


def active_enrollment_id(*, user, programme) -> int | None:
    """The id of the learner's active enrolment in a programme (a cheap read for pages)."""

    if not getattr(user, "is_authenticated", False):
        return None
    return raw.active_enrollment_id(user=user, programme_id=getattr(programme, "pk", programme))


def active_enrollment(*, user, programme):

    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Enrollment.objects.active()
        .filter(user=user, programme=programme)
        .order_by("-created_at")
        .first()
    )


def programme_progress(
    *, user, programme, modules=None, enrollment=None, detailed=False, sessions=None
):
    """The learner's progress in a programme, with what is still open (per lesson too when
    `detailed`). A fixed number of queries, whatever the programme's size."""

    if modules is None:
        modules = programme_outline(programme=programme, detailed=detailed)
    lessons = [lesson for m in modules for lesson in m.outline_lessons]
    lesson_ids = [lesson.pk for lesson in lessons]
    progress_rows = _progress_rows(user, detailed=detailed, under=programme.path)
    responses = _responses_by_lesson(user, lesson_ids) if detailed else None
    completions = raw.module_completions(user=user, module_ids=[m.pk for m in modules])
    programme_completion = raw.programme_completion(user=user, programme_id=programme.pk)
    if sessions is None:
        sessions = list(programme_sessions_for(user=user, programme=programme).only("id"))
    # Attendance counts for every official session of the programme (as in completion.py and
    # the team's view), also one the learner can no longer see (e.g. after changing schools).
    # (No query for a programme without sessions that asks for none: nothing to count.)
    registrations = (
        raw.programme_official_registrations(user=user, programme_id=programme.pk)
        if sessions or programme.required_session_count
        else []
    )
    module_states = [
        rules.evaluate_module(m, m.outline_lessons, progress_rows, responses, completions.get(m.pk))
        for m in modules
    ]
    confirmed = None
    if programme.requires_practical_assessment and programme_completion is None:
        confirmed = PracticalAssessment.objects.filter(
            user=user, programme=programme, status=PracticalAssessment.Status.CONFIRMED
        ).exists()
    return rules.evaluate_programme(
        programme,
        module_states,
        registrations,
        len(sessions),
        programme_completion,
        enrollment,
        confirmed,
    )


def lesson_statuses(*module_states) -> dict:
    """{lesson id: status} of the lessons of these module states: what `lesson_rows` shows
    beside an outline (which is shared between learners, so it carries no progress)."""
    return {s.lesson.pk: s.status for state in module_states for s in state.lessons}


def learner_dashboard(*, user, detailed=False):
    """'Mijn leerroute': every active enrolment with its progress, and upcoming sessions."""

    enrollments = list(
        Enrollment.objects.active()
        .filter(user=user)
        .select_related("programme", "school_year")
        .order_by("programme__path")
    )
    states = _enrolled_progress(user=user, enrollments=enrollments, detailed=detailed)
    upcoming = list(
        Session.objects.filter(registrations__user=user, ends_at__gte=timezone.now()).order_by(
            "starts_at"
        )[:10]
    )
    return {"states": states, "upcoming_sessions": upcoming}


def _enrolled_progress(*, user, enrollments, detailed=False) -> list:
    """`programme_progress` for each enrolment, read for all of them at once: a fixed number
    of queries, whatever the number of enrolments and lessons (issue #30). The same reads and
    rules as `programme_progress`, each widened from one programme to all of them."""
    if not enrollments:
        return []
    programmes = {e.programme_id: e.programme for e in enrollments}
    paths = [p.path for p in programmes.values()]
    # One tree read below the programmes' common ancestor (with one enrolment: the programme
    # itself), split per programme as programme_outline does.
    under = os.path.commonprefix(paths)
    under = under[: len(under) - len(under) % STEP]
    depths = sorted({p.depth + d for p in programmes.values() for d in (1, 2)})
    by_path = {p.path: p for p in programmes.values()}
    outlines: dict[int, dict] = {pk: {} for pk in programmes}
    bases = {pk: p.get_url() or "" for pk, p in programmes.items()}
    for item in raw.tree_items(under=under, depths=depths, detailed=detailed):
        if isinstance(item, ModuleItem):
            programme = by_path.get(item.path[:-STEP])
            if programme is not None:
                item.href = f"{bases[programme.pk]}{item.slug}/"
                outlines[programme.pk][item.path] = item
        elif isinstance(item, LessonItem):
            programme = by_path.get(item.path[: -2 * STEP])
            module = outlines[programme.pk].get(item.path[:-STEP]) if programme else None
            if module is not None:
                item.href = f"{module.href}{item.slug}/"
                module.outline_lessons.append(item)
    modules_of = {}
    for pk, modules in outlines.items():
        for module in modules.values():
            module.estimated_minutes = module_minutes(
                module.outline_lessons, module.estimated_minutes
            )
        modules_of[pk] = list(modules.values())
    all_modules = [m for modules in modules_of.values() for m in modules]
    progress_rows = _progress_rows(user, detailed=detailed, under=under)
    responses = (
        _responses_by_lesson(user, [lesson.pk for m in all_modules for lesson in m.outline_lessons])
        if detailed
        else None
    )
    completions = raw.module_completions(user=user, module_ids=[m.pk for m in all_modules])
    programme_completions = raw.programme_completions(user=user, programme_ids=list(programmes))
    # The sessions the learner may see (the rule of sessions_visible_to), counted per programme.
    session_counts: dict[int, int] = dict.fromkeys(programmes, 0)
    visibility = session_visibility(user)
    if visibility is not None:
        session_counts.update(
            raw.session_counts(
                programme_ids=list(programmes),
                user_id=None if visibility.all else user.pk,
                unit_ids=visibility.unit_ids,
            )
        )
    # Attendance counts for every official session (as in programme_progress), read only
    # for programmes with sessions or required sessions.
    counted = [pk for pk, p in programmes.items() if session_counts[pk] or p.required_session_count]
    registrations: dict[int, list] = {pk: [] for pk in programmes}
    if counted:
        for registration in (
            SessionRegistration.objects.filter(
                user=user, session__programme_id__in=counted, session__is_official=True
            )
            .annotate(programme_id=F("session__programme_id"))
            .only("id", "session_id", "attendance")
        ):
            registrations[registration.programme_id].append(registration)
    assessed = [
        pk
        for pk, p in programmes.items()
        if p.requires_practical_assessment and pk not in programme_completions
    ]
    confirmed_ids = set()
    if assessed:
        confirmed_ids = set(
            PracticalAssessment.objects.filter(
                user=user,
                programme_id__in=assessed,
                status=PracticalAssessment.Status.CONFIRMED,
            ).values_list("programme_id", flat=True)
        )
    states = []
    for enrollment in enrollments:
        pk = enrollment.programme_id
        modules = modules_of[pk]
        module_states = [
            rules.evaluate_module(
                m, m.outline_lessons, progress_rows, responses, completions.get(m.pk)
            )
            for m in modules
        ]
        states.append(
            rules.evaluate_programme(
                programmes[pk],
                module_states,
                registrations[pk],
                session_counts[pk],
                programme_completions.get(pk),
                enrollment,
                (pk in confirmed_ids) if pk in assessed else None,
            )
        )
    return states


def self_enrolment_programmes(*, user, enrolled=None):
    """The live programmes the learner may enrol in themselves and has no active enrolment in,
    in tree order, as PageLink rows (pk, title, slug). `enrolled`: the ids of the programmes
    of the learner's active enrolments, when the caller has read them."""

    if enrolled is None:
        enrolled = (
            Enrollment.objects.active().filter(user=user).values_list("programme_id", flat=True)
        )
    enrolled = set(enrolled)
    return [
        PageLink(pk, title, slug, "")
        for pk, title, slug, _path in raw.self_enrolment_programmes()
        if pk not in enrolled
    ]
