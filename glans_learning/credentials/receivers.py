"""Reacting to achievements recorded by courses: after the completion or attendance is
committed, a task writes ledger entries, the certificate and learning records."""

from django.db.models.signals import post_save

from glans_learning.core.tasks import enqueue
from glans_learning.courses.models import ModuleCompletion, ProgrammeCompletion, SessionRegistration

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


def connect() -> None:
    post_save.connect(
        on_programme_completion, sender=ProgrammeCompletion, dispatch_uid="glans_credentials_pc"
    )
    post_save.connect(
        on_module_completion, sender=ModuleCompletion, dispatch_uid="glans_credentials_mc"
    )
    post_save.connect(
        on_registration_saved, sender=SessionRegistration, dispatch_uid="glans_credentials_sr"
    )
