"""Reads of the course tree: programme, module and lesson outlines, breadcrumbs and a
lesson's place among its siblings. Each runs a fixed number of queries, whatever the size of
the programme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models.functions import Substr
from wagtail.models import Page

from ..models import (
    LessonPage,
    ProgrammePage,
)
from . import raw, tree_cache
from .rows import LessonItem, LessonList, ModuleItem, PageLink, module_minutes

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


def programme_outline(*, programme, detailed=False, request=None) -> tuple[ModuleItem, ...]:
    """The live modules of a programme with their live lessons (`outline_lessons`), in one
    query, or none while this process's copy of the tree is current: the outline is shared
    between requests (tree_cache), so callers never change it. Lessons of a module that is
    not live are left out."""
    base = programme.get_url(request=request) or ""
    under, depth = programme.path, programme.depth
    return tree_cache.rows(
        ("programme-outline", under, depth, base, detailed),
        lambda: _programme_outline(under, depth, base, detailed),
    )


def _programme_outline(under: str, depth: int, base: str, detailed: bool) -> tuple:
    modules: dict[str, ModuleItem] = {}
    lessons: dict[str, list] = {}
    for item in raw.tree_items(under=under, depths=[depth + 1, depth + 2], detailed=detailed):
        if isinstance(item, ModuleItem) and len(item.path) == len(under) + STEP:
            modules[item.path] = item
            lessons[item.path] = []
            item.href = f"{base}{item.slug}/"
        elif isinstance(item, LessonItem) and item.path[:-STEP] in modules:
            module = modules[item.path[:-STEP]]
            item.href = f"{module.href}{item.slug}/"
            lessons[module.path].append(item)
    for module in modules.values():
        module.outline_lessons = LessonList(lessons[module.path])
        module.estimated_minutes = module_minutes(module.outline_lessons, module.estimated_minutes)
    return tuple(modules.values())


def module_lessons(*, module, request=None, detailed=False) -> LessonList:
    """The live lessons of a module with their links; shared between requests like
    `programme_outline`."""
    base = module.get_url(request=request) or ""
    under, depth = module.path, module.depth + 1
    return tree_cache.rows(
        ("module-lessons", under, depth, base, detailed),
        lambda: LessonList(
            _with_hrefs(base, lesson_items(under=under, depth=depth, detailed=detailed))
        ),
    )


def _with_hrefs(base: str, children) -> list:
    for child in children:
        child.href = f"{base}{child.slug}/"
    return children


@dataclass(slots=True)
class LessonFamily:
    """A lesson's place in the tree: its module and programme (links) and the module's
    lessons, with the lesson's index among them."""

    module: PageLink | None
    programme: PageLink | None
    siblings: list
    position: int | None


SIDEBAR_LESSONS = 15  # lessons listed around the current one in a lesson's sidebar


def lesson_family(*, lesson: LessonPage, request=None) -> LessonFamily:
    """The breadcrumb (programme, module) and the module's lessons around this one, in one
    query (the sidebar shows at most SIDEBAR_LESSONS of them)."""
    module_path = lesson.path[:-STEP]
    programme_path = lesson.path[: -2 * STEP]
    parents, rows, total = raw.live_lesson_family(
        programme_path=programme_path,
        module_path=module_path,
        lesson_path=lesson.path,
        window=SIDEBAR_LESSONS,
    )
    lesson_url = lesson.get_url(request=request) or ""
    module_href = lesson_url[: -len(lesson.slug) - 1]
    module = programme = None
    for pk, title, slug, path in parents:
        if path == module_path:
            module = PageLink(pk, title, slug, module_href)
        elif path == programme_path:
            programme = (pk, title, slug)
    position = next((index for index, pk, *_rest in rows if pk == lesson.pk), None)
    siblings = Siblings(rows, total, module_href, position)
    if module is None:
        programme = None
    elif programme is not None:
        programme = PageLink(*programme, module_href[: -len(module.slug) - 1])
    return LessonFamily(module, programme, siblings, position)


def next_module_first_lesson(*, lesson, family: LessonFamily) -> tuple | None:
    """(module link, lesson link) of the first live lesson of the next live module of the
    programme, for the last lesson of a module; None after the programme's last module. One
    query, only on a module's last lesson."""
    if family.module is None or family.programme is None:
        return None
    module_path = lesson.path[:-STEP]
    programme_path = module_path[:-STEP]
    modules = Page.objects.filter(
        live=True, depth=len(module_path) // STEP, path__startswith=programme_path
    )
    row = (
        Page.objects.filter(
            live=True,
            depth=lesson.depth,
            path__startswith=programme_path,
            path__gt=module_path,
        )
        .exclude(path__startswith=module_path)
        .annotate(
            module_path=Substr("path", 1, len(module_path)),
        )
        .filter(module_path__in=modules.values("path"))
        .order_by("path")
        .values_list("pk", "title", "slug", "module_path")
        .first()
    )
    if row is None:
        return None
    pk, title, slug, path = row
    module = modules.filter(path=path).values_list("pk", "title", "slug").first()
    if module is None:
        return None
    module_href = f"{family.programme.href}{module[2]}/"
    return PageLink(*module, module_href), PageLink(pk, title, slug, f"{module_href}{slug}/")


class Siblings(Sequence):
    """A module's lessons as links, made when first used: a lesson page shows only a window
    of them (and its neighbours), however many lessons the module has."""

    def __init__(self, rows, total: int, module_href: str, position: int | None):
        # {index: (pk, title, slug)}: the lessons read (those around the current one; all of
        # them for a lesson that is not live, as in a preview); `total` lessons in all.
        self._rows = {index: (pk, title, slug) for index, pk, title, slug in rows}
        self._total = total
        self._href = module_href
        self._links: dict = {}
        self.position = position

    def __len__(self):
        return self._total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._total))]
        if index < 0:
            index += self._total
        link = self._links.get(index)
        if link is None:
            if index not in self._rows:
                raise IndexError(index)  # outside the lessons read around the current one
            pk, title, slug = self._rows[index]
            link = self._links[index] = PageLink(pk, title, slug, f"{self._href}{slug}/")
        return link

    def __iter__(self):
        return (self[index] for index in sorted(self._rows))

    def index_of(self, pk) -> int | None:
        return next((i for i, row in self._rows.items() if row[0] == pk), None)


def lesson_window(lessons, current, size):
    """At most `size` lessons around the current one, and how many were left out before and
    after them."""
    if size is None or len(lessons) <= size:
        return lessons, 0, 0
    if isinstance(lessons, Siblings):
        index = lessons.index_of(current) or 0
    else:
        index = next((i for i, lesson in enumerate(lessons) if lesson.pk == current), 0)
    start = max(0, min(index - size // 2, len(lessons) - size))
    return lessons[start : start + size], start, len(lessons) - start - size
