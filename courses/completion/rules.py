"""Completion rules: pure functions over prefetched data (no queries, no writes). Selectors
call these; the writes that record a completion live in writes.py.

A completion is sticky: once a lesson, module or programme is completed it stays completed,
whatever content is added later; the learner is told that new material is available instead.
Every state carries `open`: the requirements that are still missing, in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from glans_learning.content.xblocks import reports_completion

from ..models import (
    ATTENDED,
    LessonStatus,
)

__all__ = [
    "COMPLETED",
    "IN_PROGRESS",
    "NOT_STARTED",
    "LessonState",
    "ModuleState",
    "ProgrammeState",
    "evaluate_lesson",
    "evaluate_module",
    "evaluate_programme",
    "lesson_requirements",
    "lesson_rule_met",
    "required_activities",
    "status_only",
]

COMPLETED = LessonStatus.COMPLETED.value
IN_PROGRESS = LessonStatus.IN_PROGRESS.value
NOT_STARTED = LessonStatus.NOT_STARTED.value


@dataclass(slots=True)
class LessonState:
    lesson: object
    status: str
    percent: int
    open: list[str] = field(default_factory=list)
    completed_at: object = None
    visits: int = 0
    time_spent_seconds: int = 0
    score: float | None = None

    @property
    def is_completed(self):
        return self.status == COMPLETED


@dataclass(slots=True)
class ModuleState:
    module: object
    status: str
    percent: int
    lessons: list[LessonState]
    open: list[str] = field(default_factory=list)
    completed_at: object = None
    new_material: list[str] = field(default_factory=list)

    @property
    def completed_lessons(self):
        return sum(1 for s in self.lessons if s.is_completed)


@dataclass(slots=True)
class ProgrammeState:
    programme: object
    status: str
    percent: int
    modules: list[ModuleState]
    sessions_attended: int = 0
    sessions_required: int = 0
    sessions_total: int = 0
    open: list[str] = field(default_factory=list)
    completed_at: object = None
    next_lesson: object = None
    enrollment: object = None


def required_activities(lesson) -> list[dict]:
    """The activities a lesson needs for completion. An exercise counts only when this site
    can run it and the block reports a result (reports_completion): an exercise whose type
    is not installed, or that only shows something, never keeps a lesson open."""

    return [
        a
        for a in (lesson.activity_summary or [])
        if a.get("required", True)
        and (a.get("kind") != "exercise" or reports_completion(a.get("xblock_type") or ""))
    ]


def lesson_requirements(
    lesson, progress, responses: dict
) -> tuple[list[str], int, int, float | None]:
    """(open requirements, steps done, steps total, knowledge-check score) for a lesson."""
    rule = lesson.completion_rule
    opened = progress is not None
    open_: list[str] = []
    done, total = (1 if opened else 0), 1
    if not opened:
        open_.append(_("Open de les."))
    score = None
    if rule == "manual":
        total += 1
        if progress is not None and progress.status == COMPLETED:
            done += 1
        else:
            open_.append(_("Vink de les af als je klaar bent."))
    elif rule in ("activities", "score"):
        for activity in required_activities(lesson):
            total += 1
            if activity["id"] in responses:
                done += 1
            else:
                open_.append(_("Maak de activiteit: %(label)s") % {"label": activity["label"]})
        checks = [
            responses[a["id"]]
            for a in lesson.activity_summary or []
            if a["kind"] == "knowledge_check" and a["id"] in responses
        ]
        if checks:
            score = sum(float(r.score or 0) for r in checks) / len(checks)
        if rule == "score":
            n_checks = sum(
                1 for a in lesson.activity_summary or [] if a["kind"] == "knowledge_check"
            )
            if n_checks and (score is None or score < lesson.pass_score or len(checks) < n_checks):
                total += 1
                open_.append(
                    _("Haal minstens %(pass)s%% op de kennischecks (nu %(score)s%%).")
                    % {"pass": lesson.pass_score, "score": round(score or 0)}
                )
            elif n_checks:
                total += 1
                done += 1
    return open_, done, total, score


def _completed(lesson, progress, score=None) -> LessonState:
    """A completed lesson stays completed, whatever its rule says now (sticky)."""
    return LessonState(
        lesson,
        COMPLETED,
        100,
        [],
        progress.completed_at,
        progress.visits,
        progress.time_spent_seconds,
        score,
    )


def evaluate_lesson(lesson, progress, responses: dict) -> LessonState:
    open_, done, total, score = lesson_requirements(lesson, progress, responses)
    if progress is not None and progress.status == COMPLETED:
        return _completed(lesson, progress, score)
    if progress is None:
        return LessonState(lesson, NOT_STARTED, 0, open_, score=score)
    percent = int(100 * done / total) if total else 0
    return LessonState(
        lesson,
        IN_PROGRESS,
        min(percent, 99),
        open_,
        None,
        progress.visits,
        progress.time_spent_seconds,
        score,
    )


def lesson_rule_met(lesson, progress, responses: dict) -> bool:
    open_, *_rest = lesson_requirements(lesson, progress, responses)
    return not open_


def status_only(lesson, progress) -> LessonState:
    """A lesson's state from its stored progress alone (no rule evaluation): for overviews."""
    if progress is None:
        return LessonState(lesson, NOT_STARTED, 0)
    if progress.status == COMPLETED:
        return _completed(lesson, progress)
    return LessonState(
        lesson, IN_PROGRESS, 50, [], None, progress.visits, progress.time_spent_seconds
    )


def evaluate_module(
    module, lessons, progress_by_lesson, responses_by_lesson, completion
) -> ModuleState:
    """With `responses_by_lesson` None, lessons are judged by their stored status only."""
    if responses_by_lesson is None:
        states = [status_only(lesson, progress_by_lesson.get(lesson.pk)) for lesson in lessons]
    else:
        states = [
            evaluate_lesson(
                lesson, progress_by_lesson.get(lesson.pk), responses_by_lesson.get(lesson.pk, {})
            )
            for lesson in lessons
        ]
    required = [s for s in states if not s.lesson.is_optional]
    done = sum(1 for s in required if s.is_completed)
    new_material: list[str] = []
    if completion is not None:
        known = set(completion.requirements.get("lessons", []))
        new_material = [
            s.lesson.title for s in required if s.lesson.pk not in known and not s.is_completed
        ]
        return ModuleState(
            module, COMPLETED, 100, states, [], completion.completed_at, new_material
        )
    todo = _("Rond de les af: %(title)s")
    open_ = [todo % {"title": s.lesson.title} for s in required if not s.is_completed]
    if required and done == len(required):
        status = COMPLETED  # met now; the service records the completion
    elif any(s.status != NOT_STARTED for s in states):
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    percent = int(100 * done / len(required)) if required else 100
    return ModuleState(module, status, percent if status != COMPLETED else 100, states, open_)


def evaluate_programme(
    programme,
    module_states: list[ModuleState],
    registrations,
    sessions_total: int,
    completion,
    enrollment=None,
    assessment_confirmed=None,
) -> ProgrammeState:
    attended = sum(1 for r in registrations if r.attendance in ATTENDED)
    required_sessions = programme.required_session_count
    next_lesson = None
    for module_state in module_states:
        for lesson_state in module_state.lessons:
            if not lesson_state.is_completed and next_lesson is None:
                next_lesson = lesson_state.lesson
    if completion is not None:
        return ProgrammeState(
            programme,
            COMPLETED,
            100,
            module_states,
            attended,
            required_sessions,
            sessions_total,
            [],
            completion.completed_at,
            next_lesson,
            enrollment,
        )
    required = [m for m in module_states if not m.module.is_optional]
    open_ = [
        _("Rond de module af: %(title)s") % {"title": m.module.title}
        for m in required
        if m.status != COMPLETED
    ]
    if attended < required_sessions:
        open_.append(
            ngettext(
                "Woon nog %(n)s bijeenkomst bij (of haal die elders in): %(done)s van %(need)s.",
                "Woon nog %(n)s bijeenkomsten bij (of haal ze elders in): %(done)s van %(need)s.",
                required_sessions - attended,
            )
            % {"n": required_sessions - attended, "done": attended, "need": required_sessions}
        )
    steps_total = len(required) + required_sessions
    steps_done = sum(m.percent for m in required) / 100 + min(attended, required_sessions)
    if getattr(programme, "requires_practical_assessment", False):
        steps_total += 1
        if assessment_confirmed:
            steps_done += 1
        else:
            open_.append(
                _(
                    "Leid een teambijeenkomst op je eigen school en laat die door een trainer "
                    "bevestigen (praktijktoets)."
                )
            )
    percent = int(100 * steps_done / steps_total) if steps_total else 100
    if not open_:
        status = COMPLETED
    elif steps_done or any(m.status != NOT_STARTED for m in module_states):
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    return ProgrammeState(
        programme,
        status,
        100 if status == COMPLETED else min(percent, 99),
        module_states,
        attended,
        required_sessions,
        sessions_total,
        open_,
        None,
        next_lesson,
        enrollment,
    )


# --- completion writes (sticky) ----------------------------------------------------------
