"""The team dashboard's matrix: members × modules with attendance per session and who is
stalled, for the dashboard, its export, the team-progress API and 'Wie mist er nog?'.

The same rules as the learner's own page (completion.rules), fed in bulk (issue #30): the
stored lesson statuses of the learners shown are read as plain tuples (`raw_team.team_statuses`)
and counted per learner and module (`rules.StoredStatusPlan`), instead of a state object per
learner × lesson. Learners with the same counts share one judgement."""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.utils import timezone

from ..completion import rules
from ..models import (
    ATTENDED,
    Enrollment,
    PracticalAssessment,
    ReminderSettings,
    Session,
    SessionRegistration,
)
from . import raw_team
from .outline import programme_outline

# Learners per page of the team dashboard (issue #30): a team of 200 as four pages, as
# Moodle's participants page does; exports, the API and 'Wie mist er nog?' hold them all.
TEAM_PAGE_SIZE = 50


def team_progress(*, unit, programme, school_year=None, role=None, page=None):
    """Members × modules matrix for a team dashboard, with attendance per session and who is
    stalled. A fixed number of queries for any team or programme size.

    With `page` (the page number as asked, possibly missing or wrong), only that page of
    TEAM_PAGE_SIZE learners in name order: the matrix's `page` is Django's Page, whose
    paginator counts the whole team, and `page_asked` the number asked when there is no such
    page (the nearest page is shown). Without it, every learner."""

    enrollments = (
        Enrollment.objects.active()
        .filter(programme=programme, unit=unit)
        .select_related("user", "school_year")
        # What the rows, exports and API read (no password hash, no login dates to parse).
        .only(
            "user_id",
            "school_year_id",
            "created_at",
            "last_activity_at",
            "user__username",
            "user__first_name",
            "user__last_name",
            "user__email",
            "school_year__label",
        )
    )
    if school_year is not None:
        enrollments = enrollments.filter(school_year=school_year)
    if role:
        enrollments = enrollments.filter(
            user__glans_memberships__unit=unit, user__glans_memberships__roles__code=role
        ).distinct()
    # The username makes the order total, so pages neither repeat nor skip a learner.
    enrollments = enrollments.order_by("user__last_name", "user__first_name", "user__username")
    page_obj = page_asked = None
    if page is not None:
        paginator = Paginator(enrollments, TEAM_PAGE_SIZE)
        try:
            page_obj = paginator.page(page)
        except InvalidPage:
            # The nearest page: the first for a number below 1 or no number, else the last.
            # Shown back in the notice: printable characters only.
            page_asked = "".join(c for c in str(page)[:20] if c.isprintable())
            try:
                nearest = 1 if int(page) < 1 else paginator.num_pages
            except (TypeError, ValueError):
                nearest = 1
            page_obj = paginator.page(nearest)
        enrollments = page_obj.object_list
    enrollments = list(enrollments)
    user_ids = [e.user_id for e in enrollments]
    modules = programme_outline(programme=programme)
    plan = rules.StoredStatusPlan(programme, modules)
    # One definition of progress: the learner's own page judges these statuses the same way.
    tallies = plan.tally(raw_team.team_statuses(user_ids=user_ids, lesson_ids=list(plan.places)))
    module_index = {m.pk: index for index, m in enumerate(modules)}
    module_completions: dict[int, set] = {}
    for user_id, module_id in raw_team.team_module_completions(
        user_ids=user_ids, module_ids=list(module_index)
    ):
        module_completions.setdefault(user_id, set()).add(module_index[module_id])
    programme_completions = raw_team.team_programme_completions(
        user_ids=user_ids, programme_id=programme.pk
    )
    sessions = list(
        Session.objects.filter(programme=programme)
        .filter(Q(unit=unit) | Q(unit__isnull=True))
        .order_by("starts_at")
    )
    attendance = {
        (r.user_id, r.session_id): r
        for r in SessionRegistration.objects.filter(
            session_id__in=[s.pk for s in sessions], user_id__in=user_ids
        ).only("user_id", "session_id", "attendance")
    }
    # Attendance counts for every official session of the programme (as on the learner's
    # own page), also one the learner can no longer see.
    attended: dict[int, int] = {}
    for user_id, value in raw_team.team_official_attendance(
        user_ids=user_ids, programme_id=programme.pk
    ):
        if value in ATTENDED:
            attended[user_id] = attended.get(user_id, 0) + 1
    confirmed_assessments = set()
    if programme.requires_practical_assessment:
        confirmed_assessments = set(
            PracticalAssessment.objects.filter(
                programme=programme,
                user_id__in=user_ids,
                status=PracticalAssessment.Status.CONFIRMED,
            ).values_list("user_id", flat=True)
        )
    stall_days = ReminderSettings.load().stall_days
    stall_before = timezone.now() - timedelta(days=stall_days)
    # Learners with the same counts, completions, attendance and assessment have the same
    # cells, status and open items: each such combination is judged once and its lists are
    # shared by those rows (read-only, as everything that reads the matrix treats them).
    judged: dict[tuple, tuple] = {}
    rows = []
    for enrollment in enrollments:
        user_id = enrollment.user_id
        counts = tallies.get(user_id)
        done_modules = module_completions.get(user_id)
        completed_at = programme_completions.get(user_id)
        sessions_attended = attended.get(user_id, 0)
        key = (
            None if counts is None else tuple(counts),
            None if done_modules is None else frozenset(done_modules),
            sessions_attended,
            user_id in programme_completions,
            user_id in confirmed_assessments,
        )
        verdict = judged.get(key)
        if verdict is None:
            results = plan.modules(counts, done_modules or ())
            status, percent, open_ = plan.programme_status(results, *key[2:])
            cells = [
                {"module": module, "status": result[0], "done": result[1], "total": result[2]}
                for module, result in zip(modules, results, strict=True)
            ]
            verdict = judged[key] = (cells, status, percent, open_)
        cells, status, percent, open_ = verdict
        last = enrollment.last_activity_at or enrollment.created_at
        rows.append(
            {
                "enrollment": enrollment,
                "user": enrollment.user,
                "cells": cells,
                "sessions": [attendance.get((user_id, s.pk)) for s in sessions],
                "percent": percent,
                "sessions_attended": sessions_attended,
                "status": status,
                "open": open_,
                "completed_at": completed_at,
                "last_activity": enrollment.last_activity_at,
                "stalled": completed_at is None and last < stall_before,
            }
        )
    return {
        "modules": modules,
        "sessions": sessions,
        "rows": rows,
        "stall_days": stall_days,
        "page": page_obj,
        "page_asked": page_asked,
        # The whole team, whichever page is shown.
        "total": page_obj.paginator.count if page_obj is not None else len(rows),
    }
