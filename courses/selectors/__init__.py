"""Reads (selectors) for programmes, lessons, sessions and progress, by concept; import them
from here. All raw SQL is in raw.py."""

from . import raw
from .lessons import (
    SEARCH_LIMIT,
    SIDEBAR_LESSONS,
    lesson_context,
    lesson_progress_row,
    lesson_progress_rows,
    lesson_responses,
    lesson_search,
)
from .outline import (
    STEP,
    LessonFamily,
    lesson_family,
    lesson_items,
    lesson_window,
    module_lessons,
    parent_link,
    programme_outline,
    programme_overview,
)
from .progress import (
    active_enrollment,
    active_enrollment_id,
    learner_dashboard,
    lesson_statuses,
    module_progress,
    programme_progress,
    self_enrolment_programmes,
)
from .rows import LessonItem, ModuleItem, PageLink, ProgressRow, module_minutes
from .sessions import (
    programme_sessions,
    programme_sessions_for,
    sessions_managed_by,
    sessions_open_to,
    sessions_visible_to,
    team_roster,
    upcoming,
    upcoming_sessions_for_programme,
)
from .team import team_progress

__all__ = [
    "LessonFamily",
    "LessonItem",
    "ModuleItem",
    "PageLink",
    "ProgressRow",
    "SEARCH_LIMIT",
    "SIDEBAR_LESSONS",
    "STEP",
    "active_enrollment",
    "active_enrollment_id",
    "learner_dashboard",
    "lesson_context",
    "lesson_family",
    "lesson_items",
    "lesson_progress_row",
    "lesson_progress_rows",
    "lesson_responses",
    "lesson_search",
    "module_minutes",
    "lesson_window",
    "lesson_statuses",
    "module_lessons",
    "module_progress",
    "parent_link",
    "programme_outline",
    "programme_overview",
    "programme_progress",
    "programme_sessions",
    "programme_sessions_for",
    "raw",
    "self_enrolment_programmes",
    "sessions_managed_by",
    "sessions_open_to",
    "sessions_visible_to",
    "team_progress",
    "team_roster",
    "upcoming",
    "upcoming_sessions_for_programme",
]
