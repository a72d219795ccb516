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
    "StoredStatusPlan",
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
    # One pass: the required lessons' completed count and the titles of those still open.
    done, started, open_titles = 0, False, []
    for state in states:
        if state.status != NOT_STARTED:
            started = True
        if not state.lesson.is_optional:
            if state.status == COMPLETED:
                done += 1
            else:
                open_titles.append(state.lesson.title)
    required = done + len(open_titles)
    if completion is not None:
        known = set(completion.requirements.get("lessons", []))
        new_material = [
            s.lesson.title
            for s in states
            if not s.lesson.is_optional and s.lesson.pk not in known and not s.is_completed
        ]
        return ModuleState(
            module, COMPLETED, 100, states, [], completion.completed_at, new_material
        )
    open_ = _filled(_("Rond de les af: %(title)s"), "title", open_titles)
    if required and done == required:
        status = COMPLETED  # met now; the service records the completion
    elif started:
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    percent = int(100 * done / required) if required else 100
    return ModuleState(module, status, percent if status != COMPLETED else 100, states, open_)


def _filled(text: str, name: str, values: list[str]) -> list[str]:
    """`text % {name: value}` for each value; by joining the text's parts when `name` is its
    only placeholder (a long module has hundreds of open lessons)."""
    head, placeholder, tail = text.partition(f"%({name})s")
    if placeholder and "%" not in head and "%" not in tail:
        return [head + value + tail for value in values]
    return [text % {name: value} for value in values]


def _module_open(module) -> str:
    return _("Rond de module af: %(title)s") % {"title": module.title}


def _sessions_open(attended: int, need: int) -> str:
    return ngettext(
        "Woon nog %(n)s bijeenkomst bij (of haal die elders in): %(done)s van %(need)s.",
        "Woon nog %(n)s bijeenkomsten bij (of haal ze elders in): %(done)s van %(need)s.",
        need - attended,
    ) % {"n": need - attended, "done": attended, "need": need}


def _assessment_open() -> str:
    return _(
        "Leid een teambijeenkomst op je eigen school en laat die door een trainer "
        "bevestigen (praktijktoets)."
    )


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
    next_lesson = next(
        (s.lesson for m in module_states for s in m.lessons if s.status != COMPLETED), None
    )
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
    open_ = [_module_open(m.module) for m in required if m.status != COMPLETED]
    if attended < required_sessions:
        open_.append(_sessions_open(attended, required_sessions))
    steps_total = len(required) + required_sessions
    steps_done = sum(m.percent for m in required) / 100 + min(attended, required_sessions)
    if getattr(programme, "requires_practical_assessment", False):
        steps_total += 1
        if assessment_confirmed:
            steps_done += 1
        else:
            open_.append(_assessment_open())
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


class StoredStatusPlan:
    """`evaluate_module` and `evaluate_programme` on stored lesson statuses (no rule
    evaluation), for a whole team at once (issue #30): what depends only on the programme
    (which lessons count, each module's open item) is worked out once, and a learner's
    progress is a few counters per module instead of a state object per lesson. Gives the
    fields a team overview shows exactly as those two do
    (tests/courses/test_team_status.py compares them on varied data)."""

    __slots__ = ("_assessment", "_sessions_texts", "places", "programme", "required", "todo")

    def __init__(self, programme, modules):
        self.programme = programme
        # lesson id -> (module index, counts toward the module)
        self.places = {
            lesson.pk: (index, not lesson.is_optional)
            for index, module in enumerate(modules)
            for lesson in module.outline_lessons
        }
        self.required = [
            sum(1 for lesson in module.outline_lessons if not lesson.is_optional)
            for module in modules
        ]
        # The open item of each required module (None: an optional module is never open).
        self.todo = [None if module.is_optional else _module_open(module) for module in modules]
        self._sessions_texts: dict[int, str] = {}
        self._assessment = None

    def tally(self, rows) -> dict:
        """(user id, lesson id, stored status) rows -> per user, per module:
        [required lessons completed, lessons with progress] (two counters a module)."""
        places = self.places
        size = 2 * len(self.required)
        tallies: dict[int, list[int]] = {}
        for user_id, lesson_id, status in rows:
            place = places.get(lesson_id)
            if place is None:
                continue
            counts = tallies.get(user_id)
            if counts is None:
                counts = tallies[user_id] = [0] * size
            index = 2 * place[0]
            counts[index + 1] = 1
            if place[1] and status == COMPLETED:
                counts[index] += 1
        return tallies

    def modules(self, counts, completed_modules) -> list[tuple[str, int, int]]:
        """Per module (status, required lessons done, required lessons, percent), as
        `evaluate_module` with stored statuses; `completed_modules` holds the indexes of
        the modules with a recorded completion."""
        result = []
        for index, total in enumerate(self.required):
            if index in completed_modules:
                result.append((COMPLETED, total, total, 100))
                continue
            done = counts[2 * index] if counts else 0
            if total and done == total:
                result.append((COMPLETED, total, total, 100))
            else:
                started = counts is not None and counts[2 * index + 1]
                result.append(
                    (
                        IN_PROGRESS if started else NOT_STARTED,
                        done,
                        total,
                        int(100 * done / total) if total else 100,
                    )
                )
        return result

    def programme_status(
        self, modules, attended: int, completed: bool, assessment_confirmed
    ) -> tuple[str, int, list[str]]:
        """(status, percent, open) as `evaluate_programme` gives them, from `modules()`."""
        if completed:
            return COMPLETED, 100, []
        open_ = [
            todo
            for todo, module in zip(self.todo, modules, strict=True)
            if todo is not None and module[0] != COMPLETED
        ]
        need = self.programme.required_session_count
        if attended < need:
            open_.append(self._sessions_text(attended, need))
        required = [m for todo, m in zip(self.todo, modules, strict=True) if todo is not None]
        steps_total = len(required) + need
        steps_done = sum(m[3] for m in required) / 100 + min(attended, need)
        if getattr(self.programme, "requires_practical_assessment", False):
            steps_total += 1
            if assessment_confirmed:
                steps_done += 1
            else:
                if self._assessment is None:
                    self._assessment = _assessment_open()
                open_.append(self._assessment)
        percent = int(100 * steps_done / steps_total) if steps_total else 100
        if not open_:
            return COMPLETED, 100, open_
        if steps_done or any(m[0] != NOT_STARTED for m in modules):
            return IN_PROGRESS, min(percent, 99), open_
        return NOT_STARTED, min(percent, 99), open_

    def _sessions_text(self, attended: int, need: int) -> str:
        text = self._sessions_texts.get(attended)
        if text is None:
            text = self._sessions_texts[attended] = _sessions_open(attended, need)
        return text


# --- completion writes (sticky) ----------------------------------------------------------
