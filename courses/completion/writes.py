"""Completion writes: record a lesson, module or programme as completed when its rules
(rules.py) are met. Only the course services call these. A completion is sticky."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import (
    ATTENDED,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    PracticalAssessment,
    ProgrammeCompletion,
    ProgrammePage,
    SessionRegistration,
)
from ..signals import lesson_completed
from .rules import COMPLETED, lesson_rule_met


def evaluate_and_complete(*, user, lesson, responses: dict, manual=False, row=None) -> bool:
    """Complete the lesson if its rule is met (idempotent); then its module and programme.
    With `row` (the learner's progress, just read) an unmet rule costs no query."""
    unmet = row is not None and not manual and row.status != COMPLETED
    if unmet and not lesson_rule_met(lesson, row, responses):
        return False
    with transaction.atomic():
        row = LessonProgress.objects.select_for_update().filter(user=user, lesson=lesson).first()
        if row is None:
            return False
        if row.status == COMPLETED:
            return True
        if manual and lesson.completion_rule == "manual":
            row.status = COMPLETED
        if row.status != COMPLETED and not lesson_rule_met(lesson, row, responses):
            return False
        updated = (
            LessonProgress.objects.filter(pk=row.pk)
            .exclude(status=COMPLETED)
            .update(status=COMPLETED, completed_at=timezone.now())
        )
    if updated:
        lesson_completed.send(sender=LessonProgress, user=user, lesson=lesson)
        _check_module(user=user, lesson=lesson)
    return True


def _required_children(model, parent) -> list[int]:
    """Ids of the live, non-optional lessons of a module or modules of a programme."""
    return list(
        model.objects.live().child_of(parent).filter(is_optional=False).values_list("pk", flat=True)
    )


def _check_module(*, user, lesson):
    module = ModulePage.objects.filter(path=lesson.path[: -LessonPage.steplen]).first()
    if module is None:
        return
    required = _required_children(LessonPage, module)
    done = set(
        LessonProgress.objects.filter(
            user=user, lesson_id__in=required, status=COMPLETED
        ).values_list("lesson_id", flat=True)
    )
    if set(required) - done:
        return
    _completion, created = ModuleCompletion.objects.get_or_create(
        user=user,
        module=module,
        defaults={"completed_at": timezone.now(), "requirements": {"lessons": required}},
    )
    if created:
        check_programme(user=user, programme_id=None, module=module)


def check_programme(*, user, programme_id=None, module=None):
    """Record the programme completion when all its requirements are met (idempotent)."""
    if programme_id is None:
        programme = ProgrammePage.objects.filter(path=module.path[: -LessonPage.steplen]).first()
    else:
        programme = ProgrammePage.objects.filter(pk=programme_id).first()
    if (
        programme is None
        or ProgrammeCompletion.objects.filter(user=user, programme=programme).exists()
    ):
        return
    required = _required_children(ModulePage, programme)
    done = set(
        ModuleCompletion.objects.filter(user=user, module_id__in=required).values_list(
            "module_id", flat=True
        )
    )
    if set(required) - done:
        return

    attended = SessionRegistration.objects.filter(
        user=user,
        session__programme=programme,
        session__is_official=True,
        attendance__in=list(ATTENDED),
    ).count()
    if attended < programme.required_session_count:
        return
    if (
        programme.requires_practical_assessment
        and not PracticalAssessment.objects.filter(
            user=user, programme=programme, status=PracticalAssessment.Status.CONFIRMED
        ).exists()
    ):
        return

    enrollment = (
        Enrollment.objects.active()
        .filter(user=user, programme=programme)
        .order_by("-created_at")
        .first()
    )
    ProgrammeCompletion.objects.get_or_create(
        user=user,
        programme=programme,
        defaults={
            "completed_at": timezone.now(),
            "enrollment": enrollment,
            "requirements": {
                "modules": required,
                "sessions": programme.required_session_count,
                **(
                    {"practical_assessment": True}
                    if programme.requires_practical_assessment
                    else {}
                ),
            },
        },
    )
