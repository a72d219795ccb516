"""Light rows for lists and outlines: the few fields pages need, without building a Wagtail
page object for each of possibly hundreds of lessons."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import letter_badge


@dataclass(slots=True)
class LessonItem:
    """A lesson in a list."""

    pk: int
    title: str
    slug: str
    path: str
    estimated_minutes: int
    is_trainer_guide: bool
    is_optional: bool
    completion_rule: str = "activities"
    pass_score: int = 70
    activity_summary: list | None = None
    href: str = ""
    progress_state: object = None

    @property
    def id(self):
        return self.pk


def module_minutes(lessons, stored: int) -> int:
    """The time shown for a module: the sum of its live required lessons' minutes, so that the
    programme page, the module page and its lesson rows agree. A module without lessons shows
    its stored time."""
    required = [lesson for lesson in lessons if not lesson.is_optional]
    return sum(lesson.estimated_minutes for lesson in required) if required else stored


@dataclass(slots=True)
class PageLink:
    """A page in a breadcrumb or sidebar: enough to link to it."""

    pk: int
    title: str
    slug: str
    href: str
    progress_state: object = None  # in a sidebar: the learner's stored status, if any


@dataclass(slots=True)
class ModuleItem:
    """A module in an outline: its own fields and its lessons, without a Wagtail page object."""

    pk: int
    title: str
    slug: str
    path: str
    letter: str
    estimated_minutes: int
    is_optional: bool
    href: str = ""
    outline_lessons: list = field(default_factory=list)
    progress_state: object = None

    @property
    def id(self):
        return self.pk

    @property
    def letter_badge(self):
        return letter_badge(self.letter)


@dataclass(slots=True)
class ProgressRow:
    """A learner's stored progress on one lesson."""

    lesson_id: int
    status: str
    completed_at: object
    visits: int
    time_spent_seconds: int
    last_visit_at: object
