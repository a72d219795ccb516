"""The view side of the course pages. Wagtail pages are models and views at once: a page's
`get_context` is where Wagtail hands over the request. The page models delegate here, so that
what a page shows is read by selectors and what opening it does (recording a lesson visit) is
done by a service, never by a selector."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse

from glans_learning.content.pdf import PdfUnavailable
from glans_learning.organisations import permissions

from . import selectors, services, trainer_kits


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
    if enrollment is not None:
        context["programme_state"] = selectors.programme_progress(
            user=request.user,
            programme=programme,
            modules=modules,
            enrollment=enrollment,
            sessions=sessions,
        )
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
        context["module_state"] = selectors.module_progress(
            user=request.user, module=module, lessons=lessons
        )
    return context


def lesson_context(*, lesson, request) -> dict:
    """Open a lesson: for an enrolled learner the visit is recorded (services.lesson_view,
    which also completes the lesson when its rule is met); then everything the page shows is
    read. A fixed number of queries."""
    user = request.user
    family = selectors.lesson_family(lesson=lesson, request=request)
    responses, row, enrolled = {}, None, False
    if getattr(user, "is_authenticated", False):
        responses = selectors.lesson_responses(user=user, lesson=lesson)
        if family.programme is not None:
            row, enrolled = services.lesson_view(
                user=user, lesson=lesson, programme_id=family.programme.pk, responses=responses
            )
    context = selectors.lesson_context(
        lesson=lesson,
        user=user,
        family=family,
        responses=responses,
        progress_row=row,
        enrolled=enrolled,
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
