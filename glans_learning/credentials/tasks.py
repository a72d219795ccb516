"""Background work for credentials. Tasks take ids, are idempotent, and retry on transient
errors; they are enqueued through glans_learning.core.tasks.enqueue."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from glans_learning.courses.models import ModuleCompletion, ProgrammeCompletion, SessionRegistration

from . import services, xapi
from .models import LearningRecord

RETRY = {"retry_backoff": 30, "retry_backoff_max": 30 * 60, "max_retries": 12}


# A storage error while making the PDF (a full disk) is retried with backoff: every step is
# idempotent, so a retry finishes only what is missing.
@shared_task(autoretry_for=(OSError,), **RETRY)
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
    services.record_statement(
        user=completion.user,
        verb="completed",
        event_key=f"programme-completion:{completion.user_id}:{completion.programme_id}",
        statement=xapi.statement(
            user=completion.user,
            verb="completed",
            kind="programme",
            object_id=completion.programme_id,
            name=completion.programme.title,
            when=completion.completed_at,
        ),
    )
    services.record_statement(
        user=completion.user,
        verb="earned",
        event_key=f"certificate:{certificate.pk}",
        statement=xapi.statement(
            user=completion.user,
            verb="earned",
            kind="certificate",
            object_id=certificate.code,
            name=certificate.programme_title,
            when=certificate.issued_at,
        ),
    )
    _forward_later()


@shared_task
def record_module_completion(completion_id: int) -> None:
    completion = (
        ModuleCompletion.objects.select_related("user", "module").filter(pk=completion_id).first()
    )
    if completion is None:
        return
    services.ledger_record_module(completion=completion)
    services.record_statement(
        user=completion.user,
        verb="completed",
        event_key=f"module-completion:{completion.user_id}:{completion.module_id}",
        statement=xapi.statement(
            user=completion.user,
            verb="completed",
            kind="module",
            object_id=completion.module_id,
            name=completion.module.title,
            when=completion.completed_at,
        ),
    )
    _forward_later()


@shared_task
def record_attendance(registration_id: int) -> None:
    registration = (
        SessionRegistration.objects.select_related("user", "session")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.attended:
        return
    services.ledger_record_attendance(registration=registration)
    services.record_statement(
        user=registration.user,
        verb="attended",
        event_key=f"attendance:{registration.user_id}:{registration.session_id}",
        statement=xapi.statement(
            user=registration.user,
            verb="attended",
            kind="session",
            object_id=registration.session_id,
            name=registration.session.title,
            when=registration.session.starts_at,
        ),
    )
    _forward_later()


def _forward_later():
    if xapi.lrs_configured():
        from glans_learning.core.tasks import enqueue

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
