"""When a learner's progress changes (a lesson, module or programme completed), the scores of
their placed links are sent to the platforms after the change commits."""

from django.db.models.signals import post_save

from glans_learning.core.tasks import enqueue
from glans_learning.courses.models import ModuleCompletion, ProgrammeCompletion
from glans_learning.courses.signals import lesson_completed

from . import tasks
from .models import GradeTarget


def _scores_changed(user_id: int) -> None:
    if GradeTarget.objects.filter(user_id=user_id).exists():
        enqueue(tasks.post_scores, user_id)


def on_lesson_completed(sender, user, lesson, **kwargs):
    _scores_changed(user.pk)


def on_completion(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _scores_changed(instance.user_id)


def connect() -> None:
    lesson_completed.connect(on_lesson_completed, dispatch_uid="glans_lti_lesson")
    post_save.connect(on_completion, sender=ModuleCompletion, dispatch_uid="glans_lti_mc")
    post_save.connect(on_completion, sender=ProgrammeCompletion, dispatch_uid="glans_lti_pc")
