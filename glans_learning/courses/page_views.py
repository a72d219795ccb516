"""The view side of the course pages. Wagtail pages are models and views at once: a page's
`get_context` is where Wagtail hands over the request. The page models delegate here, so that
what a page shows is read by selectors and what opening it does (recording a lesson visit) is
done by a service, never by a selector."""

from __future__ import annotations

from glans_learning.organisations import permissions

from . import selectors, services


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
    context = {"lessons": lessons, "programme": programme}
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
    if lesson.is_trainer_guide and getattr(user, "is_authenticated", False):
        context["guide_actions"] = {
            "present": permissions.may_present_guide(user),
            "plan": permissions.may_plan_team_sessions(user),
        }
    return context
