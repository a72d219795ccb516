"""Light rows for lists and outlines: the few fields pages need, without building a Wagtail
page object for each of possibly hundreds of lessons.

Outlines (a programme's modules with their lessons, a module's lessons) are shared between
requests while the course tree does not change (outline.py, tree_cache.py): once built, an
outline and its items are never changed. A learner's progress is passed beside them (a
{lesson id: status} map for `lesson_rows`, the ModuleState of each module), never stored on
them; so these rows have no field for it."""

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

    @property
    def id(self):
        return self.pk


class LessonList(tuple):
    """A module's lessons in an outline, in tree order; shared between requests like the
    outline, so never changed. `rendered` keeps, per language and options, the HTML of their
    rows that is the same for every learner (built by the `lesson_rows` template tag)."""

    def __new__(cls, items=()):
        self = super().__new__(cls, items)
        self.rendered = {}
        return self


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
    outline_lessons: list = field(default_factory=list)  # a LessonList in a shared outline

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
