"""Reads for programmes, lessons and sessions. Each selector runs a fixed number of queries,
whatever the size of the programme."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from organisations import permissions

from .models import ActivityResponse, LessonPage, ModulePage, ProgrammePage, Session

STEP = Page.steplen


def programme_overview(*, index):
    return ProgrammePage.objects.live().child_of(index).order_by("path")


def parent_programme(*, page) -> ProgrammePage | None:
    depth = page.depth
    while depth > 1:
        depth -= 1
        path = page.path[: depth * STEP]
        candidate = ProgrammePage.objects.filter(path=path).first()
        if candidate is not None:
            return candidate
        if depth <= 2:
            break
    return None


def programme_outline(*, programme):
    """Modules of a programme with their live lessons, in two queries."""
    modules = list(ModulePage.objects.live().child_of(programme).order_by("path"))
    lessons = (
        LessonPage.objects.live()
        .descendant_of(programme)
        .filter(depth=programme.depth + 2)
        .only(
            "id",
            "title",
            "slug",
            "path",
            "depth",
            "url_path",
            "estimated_minutes",
            "is_trainer_guide",
        )
        .order_by("path")
    )
    by_parent: dict[str, list] = {m.path: [] for m in modules}
    for lesson in lessons:
        by_parent.setdefault(lesson.path[:-STEP], []).append(lesson)
    for module in modules:
        module.outline_lessons = by_parent.get(module.path, [])
    return modules


def module_lessons(*, module):
    return list(
        LessonPage.objects.live()
        .child_of(module)
        .only(
            "id",
            "title",
            "slug",
            "path",
            "depth",
            "url_path",
            "estimated_minutes",
            "is_trainer_guide",
        )
        .order_by("path")
    )


def upcoming_sessions_for_programme(*, programme, user):
    qs = sessions_visible_to(user).filter(programme=programme, ends_at__gte=timezone.now())
    return list(qs.select_related("unit").order_by("starts_at")[:10])


def sessions_visible_to(user):
    """Sessions a user may see: academy-wide ones and those of their own units; academy staff
    see all."""
    roles = permissions.user_roles(user)
    qs = Session.objects.all()
    if roles.is_academy:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(
        Q(unit__isnull=True) | Q(unit_id__in=list(roles.by_unit)) | Q(trainers=user)
    ).distinct()


def sessions_managed_by(user):
    """Sessions whose attendance the user records: trainers of the session, team leads of its
    unit, academy trainers and admins."""
    roles = permissions.user_roles(user)
    qs = Session.objects.all()
    if roles.is_platform_admin or permissions.is_academy_trainer(user):
        return qs
    return qs.filter(
        Q(trainers=user) | Q(unit_id__in=list(roles.units_with(permissions.TEAM_LEAD_ROLES)))
    ).distinct()


def lesson_context(*, lesson: LessonPage, user) -> dict:
    """Everything a lesson page shows beyond its body, in a fixed number of queries."""
    module = ModulePage.objects.filter(path=lesson.path[:-STEP]).first()
    siblings = module_lessons(module=module) if module else []
    position = next((i for i, s in enumerate(siblings) if s.pk == lesson.pk), None)
    previous_lesson = siblings[position - 1] if position else None
    next_lesson = (
        siblings[position + 1] if position is not None and position + 1 < len(siblings) else None
    )
    programme = ProgrammePage.objects.filter(path=lesson.path[: -2 * STEP]).first()
    authenticated = getattr(user, "is_authenticated", False)
    state = {}
    if authenticated:
        state = {r.block_id: r for r in ActivityResponse.objects.filter(user=user, lesson=lesson)}
    return {
        "module": module,
        "programme": programme,
        "siblings": siblings,
        "position": (position + 1) if position is not None else None,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "glans_activity_state": state,
        "glans_show_trainer_notes": authenticated and user.has_perm("content.view_trainer_notes"),
        "glans_activity_url": reverse("glans_courses:activity", args=[lesson.pk, "x"])[:-2]
        if authenticated
        else None,
    }
