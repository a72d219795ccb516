"""Reads of the LTI tool: what a placed link's page is part of, the learner's score for it
(the one definition of progress in courses), and what an instructor may place."""

from dataclasses import dataclass

from glans_learning.courses.completion import evaluate_lesson
from glans_learning.courses.models import LessonPage, ModulePage, ProgrammePage
from glans_learning.courses.selectors import (
    lesson_progress_row,
    lesson_responses,
    module_lessons,
    module_progress,
    programme_outline,
    programme_progress,
)


@dataclass(frozen=True)
class GradeState:
    score: float  # 0–100
    activity_progress: str  # AGS: Initialized, Started, InProgress, Completed
    grading_progress: str  # AGS: NotReady, Pending, FullyGraded


def programme_of(page) -> ProgrammePage:
    if isinstance(page, ProgrammePage):
        return page
    return ProgrammePage.objects.ancestor_of(page).get()


def _state(percent: int, completed: bool, started: bool) -> GradeState:
    if completed:
        return GradeState(100.0, "Completed", "FullyGraded")
    return GradeState(
        float(percent),
        "InProgress" if started else "Initialized",
        "Pending" if started else "NotReady",
    )


def grade_state(*, user, page) -> GradeState:
    """The learner's score for a lesson, module or programme: its completion percentage as
    Mijn leerroute shows it (100 when completed)."""
    if isinstance(page, LessonPage):
        row = lesson_progress_row(user=user, lesson=page)
        state = evaluate_lesson(page, row, lesson_responses(user=user, lesson=page))
        return _state(state.percent, state.is_completed, row is not None)
    if isinstance(page, ModulePage):
        lessons = module_lessons(module=page)
        state = module_progress(user=user, module=page, lessons=lessons, detailed=True)
    else:
        state = programme_progress(user=user, programme=page, detailed=True)
    return _state(state.percent, state.status == "completed", state.percent > 0)


def placeable_tree() -> list[dict]:
    """Programmes with their modules and lessons (the TdT/workshop structure) for the
    deep-linking picker."""
    tree = []
    for programme in ProgrammePage.objects.live().order_by("path"):
        modules = programme_outline(programme=programme)
        tree.append({"programme": programme, "modules": modules})
    return tree
