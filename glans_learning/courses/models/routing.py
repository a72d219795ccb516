"""Routing and view restrictions for the course tree, in a fixed number of queries.

Wagtail routes a URL level by level: for every path component one query for the child and one
for its specific page, and before serving it reads the page's ancestors and then their view
restrictions. A lesson (programme index → programme → module → lesson) paid ten queries for
that. Below the programme index the course tree is resolved here instead:

- `route()` reads every page on the remaining path in **one** query (by `url_path`, below this
  page), then the deepest one's specific page, and hands over to that page's own `route()`
  with whatever path is left. Wagtail's behaviour is kept: any page on the way whose class
  routes differently (a routable page) gets the rest of the path, as it would have; a missing
  page or a page that is not live is a 404; intermediate pages need not be live (as in
  Wagtail); `serve()` and its hooks (view restrictions, `before_serve_page`), previews (which
  never route), aliases (pages in the tree like any other) and redirects (the middleware acts
  on the 404) are untouched.
- `get_view_restrictions()` returns the same restrictions as Wagtail's (the page's and its
  ancestors', an alias's resolved to its source page) as one query.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.models import Page, PageViewRestriction


def _routes_like_wagtail(page_class) -> bool:
    return page_class.route in (Page.route, CourseTreeRouting.route)


class CourseTreeRouting:
    """Mixin for the course pages (before `Page` in the bases)."""

    # The page types below this one, level by level, as the course tree's
    # parent_page_types/subpage_types fix them: ("glans_courses.ModulePage", ...).
    course_levels: tuple[str, ...] = ()

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "".join(f"{c}/" for c in path_components)
        levels = len(path_components)
        if levels <= len(self.course_levels):
            # The usual case, a course page by its URL: one query for the page itself.
            from ..selectors import raw

            model = apps.get_model(self.course_levels[levels - 1])
            page = raw.page_by_url_path(
                model=model, under=self.path, depth=self.depth + levels, url_path=url_path
            )
            if page is not None and page.content_type_id == (
                ContentType.objects.get_for_model(model).pk
            ):
                return page.route(request, [])
        return self._route_level_by_level(request, path_components)

    def _route_level_by_level(self, request, path_components):
        """Any other path: every page on it in one query, then Wagtail's own routing from the
        deepest one (or from the first page that routes differently)."""
        prefixes = []
        url_path = self.url_path
        for component in path_components:
            url_path = f"{url_path}{component}/"
            prefixes.append(url_path)
        found = {
            page.url_path: page
            for page in Page.objects.filter(
                path__startswith=self.path,
                depth__gt=self.depth,
                depth__lte=self.depth + len(path_components),
                url_path__in=prefixes,
            )
        }
        parent, consumed = self, 0
        for prefix in prefixes:
            page = found.get(prefix)
            if page is None or page.path[: -Page.steplen] != parent.path:
                break
            page._cached_parent_obj = parent
            parent, consumed = page, consumed + 1
            if not _routes_like_wagtail(page.specific_class or Page):
                break
        if consumed == 0:
            raise Http404
        target = parent.specific
        target._cached_parent_obj = parent._cached_parent_obj
        return target.route(request, path_components[consumed:])

    def get_view_restrictions(self):
        """The view restrictions on this page and its ancestors, an alias's taken from its
        source page (Wagtail's rule), read in one query. A queryset like Wagtail's (admin
        views order and filter it); serving a page only iterates it."""
        from ..selectors import raw

        rows = raw.view_restrictions(path=self.path)
        queryset = PageViewRestriction.objects.filter(pk__in=[row.pk for row in rows])
        # Already read: iterating uses these rows, as after prefetch_related; any further
        # filter or ordering queries the same restrictions again.
        queryset._result_cache = rows
        queryset._prefetch_done = True
        return queryset
