"""Background work for credentials. Tasks take ids, are idempotent, and retry on transient
errors; they are enqueued through glans_learning.core.tasks.enqueue."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from glans_learning.content.xblocks.models import LearningRecord as ExerciseEvent
from glans_learning.core.tasks import TRANSIENT_ERRORS, enqueue
from glans_learning.courses.models import (
    ActivityAttempt,
    Enrollment,
    LessonPage,
    ModuleCompletion,
    ProgrammeCompletion,
    SessionRegistration,
)

from . import services, xapi
from .models import LearningRecord

RETRY = {"retry_backoff": 30, "retry_backoff_max": 30 * 60, "max_retries": 12}
# The database briefly away (or a storage error while making the PDF, a full disk): retried
# with backoff; every step is idempotent, so a retry finishes only what is missing.
TRANSIENT = {"autoretry_for": TRANSIENT_ERRORS, **RETRY}


@shared_task(**TRANSIENT)
def record_programme_completion(completion_id: int) -> None:
    completion = (
        ProgrammeCompletion.objects.select_related("user", "programme")
        .filter(pk=completion_id)
        .first()
    )
    if completion is None:
        return
    services.ledger_record_programme(completion=completion)
    certificate = services.certificate_issue(completion=completion)
    services.statement_record(
        user=completion.user,
        verb="completed",
        event_key=f"programme-completion:{completion.user_id}:{completion.programme_id}",
        kind="programme",
        object_id=completion.programme_id,
        name=completion.programme.title,
        when=completion.completed_at,
    )
    services.statement_record(
        user=completion.user,
        verb="earned",
        event_key=f"certificate:{certificate.pk}",
        kind="certificate",
        object_id=certificate.code,
        name=certificate.programme_title,
        when=certificate.issued_at,
    )
    _forward_later()


@shared_task(**TRANSIENT)
def record_module_completion(completion_id: int) -> None:
    completion = (
        ModuleCompletion.objects.select_related("user", "module").filter(pk=completion_id).first()
    )
    if completion is None:
        return
    services.ledger_record_module(completion=completion)
    services.statement_record(
        user=completion.user,
        verb="completed",
        event_key=f"module-completion:{completion.user_id}:{completion.module_id}",
        kind="module",
        object_id=completion.module_id,
        name=completion.module.title,
        when=completion.completed_at,
    )
    _forward_later()


@shared_task(**TRANSIENT)
def record_attendance(registration_id: int) -> None:
    registration = (
        SessionRegistration.objects.select_related("user", "session")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.attended:
        return
    services.ledger_record_attendance(registration=registration)
    services.statement_record(
        user=registration.user,
        verb="attended",
        event_key=f"attendance:{registration.user_id}:{registration.session_id}",
        kind="session",
        object_id=registration.session_id,
        name=registration.session.title,
        when=registration.session.starts_at,
    )
    _forward_later()


@shared_task(**TRANSIENT)
def record_lesson_visit(user_id: int, lesson_id: int, enrollment_id: int, visited_at: str) -> None:
    """A recorded lesson visit: "launched" for the programme once per enrolment (its first
    lesson opened), "experienced" for the lesson once per learner, lesson and day."""
    user = get_user_model().objects.filter(pk=user_id).first()
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if user is None or lesson is None:
        return
    when = datetime.datetime.fromisoformat(visited_at)
    enrollment = (
        Enrollment.objects.select_related("programme")
        .filter(pk=enrollment_id, user_id=user_id)
        .first()
    )
    if enrollment is not None:
        services.statement_record(
            user=user,
            verb="launched",
            event_key=f"launched:{enrollment.pk}",
            kind="programme",
            object_id=enrollment.programme_id,
            name=enrollment.programme.title,
            when=when,
        )
    day = timezone.localdate(when).isoformat()
    services.statement_record(
        user=user,
        verb="experienced",
        event_key=f"experienced:{user_id}:{lesson_id}:{day}",
        kind="lesson",
        object_id=lesson_id,
        name=lesson.title,
        when=when,
    )
    _forward_later()


@shared_task(**TRANSIENT)
def record_answer(attempt_id: int) -> None:
    """A learner's answer to an activity (knowledge check, reflection…): "answered", with
    success when the activity is scored. The answer's own text never goes into a statement."""
    attempt = ActivityAttempt.objects.select_related("user", "lesson").filter(pk=attempt_id).first()
    if attempt is None:
        return
    summary = next(
        (a for a in attempt.lesson.activity_summary or [] if a.get("id") == attempt.block_id), {}
    )
    result = (
        {"completion": True}
        if attempt.is_correct is None
        else {"success": attempt.is_correct, "completion": True}
    )
    services.statement_record(
        user=attempt.user,
        verb="answered",
        event_key=f"answer:{attempt.pk}",
        kind="question",
        object_id=f"{attempt.lesson_id}-{attempt.block_id}",
        name=summary.get("label") or attempt.lesson.title,
        when=attempt.created_at,
        result=result,
    )
    _forward_later()


@shared_task(**TRANSIENT)
def record_exercise_grade(event_id: int) -> None:
    """A grade an exercise (XBlock) published for a learner: "answered" with its score."""
    event = ExerciseEvent.objects.select_related("user").filter(pk=event_id).first()
    if event is None or event.event_type != "grade" or not event.trusted:
        return
    try:
        raw = float(event.data.get("value"))
        maximum = float(event.data.get("max_value"))
    except (TypeError, ValueError):
        return
    if maximum <= 0:
        return
    raw = min(max(raw, 0.0), maximum)
    scaled = round(raw / maximum, 4)
    services.statement_record(
        user=event.user,
        verb="answered",
        event_key=f"exercise-event:{event.pk}",
        kind="exercise",
        object_id=event.usage_id,
        name=event.block_type,
        when=event.created_at,
        result={
            "score": {"raw": raw, "min": 0, "max": maximum, "scaled": scaled},
            "success": scaled >= 1,
            "completion": True,
        },
    )
    _forward_later()


def _forward_later():
    if xapi.lrs_configured():
        enqueue(forward_statements)


@shared_task(bind=True, autoretry_for=(xapi.LRSUnavailable,), **RETRY)
def forward_statements(self, batch_size: int = 100) -> int:
    """Send every statement not yet forwarded, in order, in batches. A batch is marked sent
    only after the LRS accepted it; resending is harmless because ids and bytes are stable.
    Returns how many were marked sent; raises LRSUnavailable (retried) when the LRS is down."""
    if not xapi.lrs_configured():
        return 0
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                LearningRecord.objects.select_for_update(skip_locked=True)
                .filter(forwarded_at__isnull=True)
                .order_by("created_at", "pk")[:batch_size]
            )
            if not batch:
                return sent
            xapi.post_statements([record.statement for record in batch])
            LearningRecord.objects.filter(pk__in=[r.pk for r in batch]).update(
                forwarded_at=timezone.now(), last_error=""
            )
            sent += len(batch)
