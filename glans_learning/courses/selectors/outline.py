"""Reads of the course tree: programme, module and lesson outlines, breadcrumbs and a
lesson's place among its siblings. Each runs a fixed number of queries, whatever the size of
the programme."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.models import Page

from ..models import (
    LessonPage,
    ProgrammePage,
)
from . import raw
from .rows import LessonItem, ModuleItem, PageLink, module_minutes

STEP = Page.steplen


def programme_overview(*, index):
    return ProgrammePage.objects.live().child_of(index).order_by("path")


def parent_link(*, page, request=None) -> PageLink | None:
    """The live parent of a page as a link (one raw read; its URL is the page's minus the
    slug)."""
    row = raw.live_page_at(path=page.path[:-STEP])
    if row is None:
        return None
    pk, title, slug, _path = row
    url = page.get_url(request=request) or ""
    return PageLink(pk, title, slug, url[: -len(page.slug) - 1] if url else "")


def lesson_items(*, under: str, depth: int, detailed=False) -> list[LessonItem]:
    """The live lessons at `depth` below the page with path `under`, as light rows."""
    return [
        item
        for item in raw.tree_items(under=under, depths=[depth], detailed=detailed)
        if isinstance(item, LessonItem)
    ]


def _child_hrefs(base: str | None, children) -> list:
    for child in children:
        child.href = f"{base}{child.slug}/"
    return children


def programme_outline(*, programme, detailed=False, request=None) -> list[ModuleItem]:
    """The live modules of a programme with their live lessons (`outline_lessons`), in one
    query. Lessons of a module that is not live are left out."""
    base = programme.get_url(request=request) or ""
    rows = raw.tree_items(
        under=programme.path,
        depths=[programme.depth + 1, programme.depth + 2],
        detailed=detailed,
    )
    modules = {}
    for item in rows:
        if isinstance(item, ModuleItem) and len(item.path) == len(programme.path) + STEP:
            modules[item.path] = item
            item.href = f"{base}{item.slug}/"
        elif isinstance(item, LessonItem) and item.path[:-STEP] in modules:
            module = modules[item.path[:-STEP]]
            item.href = f"{module.href}{item.slug}/"
            module.outline_lessons.append(item)
    for module in modules.values():
        module.estimated_minutes = module_minutes(module.outline_lessons, module.estimated_minutes)
    return list(modules.values())


def module_lessons(*, module, request=None, detailed=False):
    return _child_hrefs(
        module.get_url(request=request) or "",
        lesson_items(under=module.path, depth=module.depth + 1, detailed=detailed),
    )


@dataclass(slots=True)
class LessonFamily:
    """A lesson's place in the tree: its module and programme (links) and the module's
    lessons, with the lesson's index among them."""

    module: PageLink | None
    programme: PageLink | None
    siblings: list
    position: int | None


def lesson_family(*, lesson: LessonPage, request=None) -> LessonFamily:
    """The breadcrumb (programme, module) and the module's lessons, in one query."""
    module_path = lesson.path[:-STEP]
    programme_path = lesson.path[: -2 * STEP]
    family = raw.live_lesson_family(
        programme_path=programme_path, module_path=module_path, depth=lesson.depth
    )
    lesson_url = lesson.get_url(request=request) or ""
    module_href = lesson_url[: -len(lesson.slug) - 1]
    module = programme = None
    siblings = []
    position = None
    for pk, title, slug, path in family:
        if path == module_path:
            module = PageLink(pk, title, slug, module_href)
        elif path == programme_path:
            programme = (pk, title, slug)
        else:
            if pk == lesson.pk:
                position = len(siblings)
            siblings.append(PageLink(pk, title, slug, f"{module_href}{slug}/"))
    if module is None:
        programme = None
    elif programme is not None:
        programme = PageLink(*programme, module_href[: -len(module.slug) - 1])
    return LessonFamily(module, programme, siblings, position)


def lesson_window(lessons, current, size):
    """At most `size` lessons around the current one, and how many were left out before and
    after them."""
    if size is None or len(lessons) <= size:
        return lessons, 0, 0
    index = next((i for i, lesson in enumerate(lessons) if lesson.pk == current), 0)
    start = max(0, min(index - size // 2, len(lessons) - size))
    return lessons[start : start + size], start, len(lessons) - start - size
