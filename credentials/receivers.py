"""Reacting to achievements recorded by courses: after the completion or attendance is
committed, a task writes ledger entries, the certificate and learning records."""

from django.db.models.signals import post_save

from glans_learning.content.xblocks.models import LearningRecord as ExerciseEvent
from glans_learning.core.tasks import enqueue
from glans_learning.courses.models import (
    ActivityAttempt,
    ModuleCompletion,
    ProgrammeCompletion,
    SessionRegistration,
)
from glans_learning.courses.signals import lesson_visited

from . import tasks


def on_programme_completion(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        enqueue(tasks.record_programme_completion, instance.pk)


def on_module_completion(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        enqueue(tasks.record_module_completion, instance.pk)


def on_registration_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.attended:
        enqueue(tasks.record_attendance, instance.pk)


def on_lesson_visited(sender, user, lesson, enrollment_id, visited_at, **kwargs):
    # Only an enqueue (after commit): the lesson page itself runs no extra query.
    enqueue(tasks.record_lesson_visit, user.pk, lesson.pk, enrollment_id, visited_at.isoformat())


def on_attempt_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        enqueue(tasks.record_answer, instance.pk)


def on_exercise_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.trusted and instance.event_type == "grade":
        enqueue(tasks.record_exercise_grade, instance.pk)


def connect() -> None:
    lesson_visited.connect(on_lesson_visited, dispatch_uid="glans_credentials_visit")
    post_save.connect(on_attempt_saved, sender=ActivityAttempt, dispatch_uid="glans_credentials_aa")
    post_save.connect(on_exercise_event, sender=ExerciseEvent, dispatch_uid="glans_credentials_xe")
    post_save.connect(
        on_programme_completion, sender=ProgrammeCompletion, dispatch_uid="glans_credentials_pc"
    )
    post_save.connect(
        on_module_completion, sender=ModuleCompletion, dispatch_uid="glans_credentials_mc"
    )
    post_save.connect(
        on_registration_saved, sender=SessionRegistration, dispatch_uid="glans_credentials_sr"
    )
