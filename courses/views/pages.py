"""The view side of the course pages. Wagtail pages are models and views at once: a page's
`get_context` is where Wagtail hands over the request. The page models delegate here, so that
what a page shows is read by selectors and what opening it does (recording a lesson visit) is
done by a service, never by a selector."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from wagtail.models import Page, PageViewRestriction

from glans_learning.core.pdf import PdfUnavailable
from glans_learning.organisations import permissions

from .. import selectors, services, trainer_kits
from ..models.pages import CourseTreeRouting
from ..selectors import raw


def programme_index_context(*, index, request) -> dict:
    return {"programmes": selectors.programme_overview(index=index)}


def programme_context(*, programme, request) -> dict:
    context = {}
    modules = selectors.programme_outline(programme=programme, request=request)
    context["modules"] = modules
    own_url = programme.get_url(request=request) or ""
    context["index_href"] = (
        own_url[: -len(programme.slug) - 1] if own_url.endswith(f"{programme.slug}/") else "/"
    )
    sessions = selectors.programme_sessions(user=request.user, programme=programme)
    context["sessions"] = selectors.upcoming(sessions)
    enrollment = selectors.active_enrollment_id(user=request.user, programme=programme)
    context["enrollment"] = enrollment
    module_states: dict = {}
    if enrollment is not None:
        state = context["programme_state"] = selectors.programme_progress(
            user=request.user,
            programme=programme,
            modules=modules,
            enrollment=enrollment,
            sessions=sessions,
        )
        module_states = {m.module.pk: m for m in state.modules}
        context["lesson_statuses"] = selectors.lesson_statuses(*state.modules)
    # The outline is shared between learners: each module's state goes beside it.
    context["module_rows"] = [(m, module_states.get(m.pk)) for m in modules]
    return context


def module_context(*, module, request) -> dict:
    lessons = selectors.module_lessons(module=module, request=request)
    programme = selectors.parent_link(page=module, request=request)
    context = {
        "lessons": lessons,
        "programme": programme,
        "module_minutes": selectors.module_minutes(lessons, module.estimated_minutes),
    }
    if programme is not None and selectors.active_enrollment_id(
        user=request.user, programme=programme.pk
    ):
        state = context["module_state"] = selectors.module_progress(
            user=request.user, module=module, lessons=lessons
        )
        context["lesson_statuses"] = selectors.lesson_statuses(state)
    return context


def lesson_context(*, lesson, request) -> dict:
    """Open a lesson: for an enrolled learner the visit is recorded (services.lesson_view,
    which also completes the lesson when its rule is met); then everything the page shows is
    read. A fixed number of queries."""
    user = request.user
    family = selectors.lesson_family(lesson=lesson, request=request)
    responses, row, enrolled, statuses = {}, None, False, None
    if getattr(user, "is_authenticated", False):
        responses = selectors.lesson_responses(user=user, lesson=lesson)
        if family.programme is not None:
            current, statuses = selectors.lesson_progress_rows(
                user=user, lesson=lesson, family=family
            )
            row, enrolled = services.lesson_view(
                user=user,
                lesson=lesson,
                programme_id=family.programme.pk,
                responses=responses,
                current=current,
            )
    context = selectors.lesson_context(
        lesson=lesson,
        user=user,
        family=family,
        responses=responses,
        progress_row=row,
        enrolled=enrolled,
        statuses=statuses,
    )
    context["trainer_kit"] = trainer_kits.trainer_kit_urls(
        lesson=lesson, user=user, request=request
    )
    if lesson.is_trainer_guide and getattr(user, "is_authenticated", False):
        context["guide_actions"] = {
            "present": permissions.may_present_guide(user),
            "plan": permissions.may_plan_team_sessions(user),
        }
    return context


def guide_pdf(*, lesson, request, kind: str):
    """A trainer guide's slides or kit as PDF, for those who may use its kit (others get a 404,
    as if there were nothing). Without WeasyPrint: a page that says so, not a server error."""
    if not lesson.is_trainer_guide or not trainer_kits.trainer_kit_urls(
        lesson=lesson, user=request.user, request=request
    ):
        raise Http404
    try:
        pdf = trainer_kits.trainer_guide_pdf(lesson=lesson, kind=kind)
    except PdfUnavailable:
        return TemplateResponse(
            request, "glans_courses/pdf_unavailable.html", {"page": lesson}, status=503
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = trainer_kits.pdf_filename(lesson=lesson, kind=kind)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


# --- routing and view restrictions (the course pages' route() and get_view_restrictions()) ---
# Routing and view restrictions for the course tree, in a fixed number of queries.
#
# Wagtail routes a URL level by level: for every path component one query for the child and one
# for its specific page, and before serving it reads the page's ancestors and then their view
# restrictions. A lesson (programme index → programme → module → lesson) paid ten queries for
# that. Below the programme index the course tree is resolved here instead:
#
# - `route()` reads the course page for the remaining path in **one** query (by `url_path`
#   below this page, joined with its type's table); any other path takes one query for every
#   page on it, then Wagtail's own `route()` of the deepest one with whatever path is left. Wagtail's behaviour is kept: any page on the way whose class
#   routes differently (a routable page) gets the rest of the path, as it would have; a missing
#   page or a page that is not live is a 404; intermediate pages need not be live (as in
#   Wagtail); `serve()` and its hooks (view restrictions, `before_serve_page`), previews (which
#   never route), aliases (pages in the tree like any other) and redirects (the middleware acts
#   on the 404) are untouched.
# - `get_view_restrictions()` returns the same restrictions as Wagtail's (the page's and its
#   ancestors', an alias's resolved to its source page) as one query.


def _routes_like_wagtail(page_class) -> bool:

    return page_class.route in (Page.route, CourseTreeRouting.route)


def course_route(*, page, request, path_components):
    """Route `path_components` below the course page `page` (its route())."""

    url_path = page.url_path + "".join(f"{c}/" for c in path_components)
    levels = len(path_components)
    if levels <= len(page.course_levels):
        # The usual case, a course page by its URL: one query for the page itself.
        model = apps.get_model(page.course_levels[levels - 1])
        found = raw.page_by_url_path(
            model=model, under=page.path, depth=page.depth + levels, url_path=url_path
        )
        if found is not None and found.content_type_id == (
            ContentType.objects.get_for_model(model).pk
        ):
            return found.route(request, [])
    return _route_level_by_level(page=page, request=request, path_components=path_components)


def _route_level_by_level(*, page, request, path_components):
    """Any other path: every page on it in one query, then Wagtail's own routing from the
    deepest one (or from the first page that routes differently)."""

    prefixes = []
    url_path = page.url_path
    for component in path_components:
        url_path = f"{url_path}{component}/"
        prefixes.append(url_path)
    found = {
        row.url_path: row
        for row in Page.objects.filter(
            path__startswith=page.path,
            depth__gt=page.depth,
            depth__lte=page.depth + len(path_components),
            url_path__in=prefixes,
        )
    }
    parent, consumed = page, 0
    for prefix in prefixes:
        row = found.get(prefix)
        if row is None or row.path[: -Page.steplen] != parent.path:
            break
        row._cached_parent_obj = parent
        parent, consumed = row, consumed + 1
        if not _routes_like_wagtail(row.specific_class or Page):
            break
    if consumed == 0:
        raise Http404
    target = parent.specific
    target._cached_parent_obj = parent._cached_parent_obj
    return target.route(request, path_components[consumed:])


def course_view_restrictions(*, page):
    """The view restrictions on `page` and its ancestors, an alias's taken from its source
    page (Wagtail's rule), read in one query. A queryset like Wagtail's (admin views order and
    filter it); serving a page only iterates it."""

    rows = raw.view_restrictions(path=page.path)
    queryset = PageViewRestriction.objects.filter(pk__in=[row.pk for row in rows])
    # Already read: iterating uses these rows, as after prefetch_related; any further filter
    # or ordering queries the same restrictions again.
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset
