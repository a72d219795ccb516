"""Enqueue background work so that it is never lost and never becomes a user-facing error.

Every app enqueues its Celery tasks through :func:`enqueue`, never with `.delay()`:

- with a broker (``CELERY_BROKER_URL`` or the host's Celery app) the work is first written
  to the outbox (:class:`~glans_learning.core.models.OutboxMessage`) in the SAME transaction
  as the change that asked for it: it exists exactly when the change exists. After the commit
  it is sent to the broker at once; when the broker cannot be reached (Redis restarting) the
  row stays pending and :func:`outbox_drain` (beat task ``drain_outbox``, or
  ``manage.py glans_outbox_drain``) sends it, oldest first, once the broker is back;
- without a broker, or with ``CELERY_TASK_ALWAYS_EAGER``, the task runs in this process after
  the commit (no outbox row);
- a broker or task failure is logged and never raised to the user. Workers run tasks with
  ``acks_late`` and ``reject_on_worker_lost``: a task whose worker dies is delivered again,
  so every task is idempotent (keyed rows: a mail records that it was sent, one certificate
  per learner and programme, statements with stable ids, ledger entries with unique keys).

The system checks ``glans_core.W001`` (no broker) and ``glans_core.W002`` (a backlog that is
not draining, ``manage.py check --database default``) and a panel on the admin home of
platform admins watch this (docs/operations.md).
"""

import hashlib
import json
import logging
from datetime import timedelta

from celery import current_app, shared_task
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .invitations import invitation_deliver
from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Errors that pass: a network or file system hiccup, the database restarting or out of
# connections. A task that retries on them loses no work (it is idempotent); without the retry
# Celery records the failure and acknowledges the message, and the work is gone.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)

# Publishing from a web request must not hang while Redis restarts: one quick retry, then
# the outbox keeps the work.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def _celery_conf():
    return current_app.conf


def broker_configured() -> bool:
    """Whether the host configured a Celery broker (in settings or on its Celery app)."""
    return bool(getattr(settings, "CELERY_BROKER_URL", None) or _celery_conf().broker_url)


def runs_eagerly() -> bool:
    """Whether the host asked for tasks to run in-process (``CELERY_TASK_ALWAYS_EAGER``)."""
    return bool(
        getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or _celery_conf().task_always_eager
    )


def uses_broker() -> bool:
    return broker_configured() and not runs_eagerly()


def dedupe_key(task_name: str, args, kwargs) -> str:
    """The same task with the same arguments has the same key (one pending row for it)."""
    payload = json.dumps([task_name, list(args), kwargs], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def enqueue(task, *args, **kwargs) -> None:
    """Run ``task(*args, **kwargs)`` in the background once the current transaction commits
    (at once outside a transaction); with a broker, through the outbox. Never raises for the
    broker or the task (a database error writing the outbox fails the change with it)."""
    if not uses_broker():
        transaction.on_commit(lambda: run_in_process(task, *args, **kwargs))
        return
    message_id = outbox_add(task_name=task.name, args=list(args), kwargs=kwargs)
    if message_id is not None:
        transaction.on_commit(lambda: outbox_send(message_id=message_id))


def outbox_add(*, task_name: str, args: list, kwargs: dict) -> int | None:
    """Write the outbox row in the current transaction; an identical pending row is reused."""
    key = dedupe_key(task_name, args, kwargs)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return OutboxMessage.objects.create(
                    task=task_name, args=args, kwargs=kwargs, dedupe_key=key
                ).pk
        except IntegrityError:
            pending = (
                OutboxMessage.objects.filter(dedupe_key=key, dispatched_at__isnull=True)
                .values_list("pk", flat=True)
                .first()
            )
            if pending is not None:
                return pending
            # sent in the meantime: write a new row for this new request
    return None


def _publish(message) -> None:
    import_string(message.task).apply_async(
        args=message.args, kwargs=message.kwargs, retry_policy=PUBLISH_RETRY_POLICY
    )


def _send_locked(message) -> bool:
    """Send one locked pending row; True when the broker (or this process) took it."""
    try:
        if uses_broker():
            _publish(message)
        else:  # the host dropped its broker: finish the backlog here
            task = import_string(message.task)
            if run_in_process(task, *message.args, **message.kwargs) == "failed":
                raise RuntimeError("the task failed in-process")
    except Exception as exc:
        logger.warning("Outbox: could not send %s (%s); it stays pending.", message, exc)
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        message.save(update_fields=["attempts", "last_error"])
        return False
    message.attempts += 1
    message.dispatched_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["attempts", "dispatched_at", "last_error"])
    return True


def outbox_send(*, message_id: int) -> bool:
    """Send one pending outbox row now (after the commit that wrote it). Never raises."""
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, dispatched_at__isnull=True)
                .first()
            )
            return message is not None and _send_locked(message)
    except Exception:
        logger.exception("Outbox: could not send message %s; it stays pending.", message_id)
        return False


def outbox_drain(*, batch_size: int = 100, limit: int = 10_000) -> dict:
    """Send pending outbox rows, oldest first, in batches, each row locked (rows another
    drainer holds are skipped). Stops at the first broker failure: the rest stays pending.
    Also prunes rows sent more than GLANS_OUTBOX_KEEP_DAYS ago. Returns counts."""
    sent = failed = 0
    while sent < limit and not failed:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(dispatched_at__isnull=True)
                .order_by("created_at", "pk")[: min(batch_size, limit - sent)]
            )
            if not batch:
                break
            for message in batch:
                if _send_locked(message):
                    sent += 1
                else:
                    failed += 1
                    break
    keep = timezone.now() - timedelta(days=getattr(settings, "GLANS_OUTBOX_KEEP_DAYS", 7))
    pruned, _ = OutboxMessage.objects.filter(dispatched_at__lt=keep).delete()
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
    return {"sent": sent, "failed": failed, "pending": pending, "pruned": pruned}


def outbox_backlog(*, older_than_minutes: int | None = None) -> dict:
    """Pending rows, how many are older than the alert age, and the oldest one's age."""
    if older_than_minutes is None:
        older_than_minutes = getattr(settings, "GLANS_OUTBOX_ALERT_MINUTES", 15)
    now = timezone.now()
    stale_before = now - timedelta(minutes=older_than_minutes)
    found = OutboxMessage.objects.filter(dispatched_at__isnull=True).aggregate(
        pending=Count("pk"),
        stale=Count("pk", filter=Q(created_at__lt=stale_before)),
        oldest=Min("created_at"),
    )
    found["minutes"] = older_than_minutes
    found["oldest_age_minutes"] = (
        int((now - found["oldest"]).total_seconds() // 60) if found["oldest"] else 0
    )
    return found


@shared_task
def drain_outbox() -> dict:
    """Beat (every minute): send what the outbox still holds."""
    return outbox_drain()


def dispatch(task, *args, **kwargs) -> str:
    """Send the task now, without the outbox: to the broker if there is one, else in-process.
    Returns how it went (``"queued"``, ``"ran"`` or ``"failed"``); never raises."""
    if uses_broker():
        try:
            task.apply_async(args=args, kwargs=kwargs, retry_policy=PUBLISH_RETRY_POLICY)
        except Exception:
            logger.exception(
                "Could not queue background task %s%r; running it in this process instead.",
                task.name,
                args,
            )
        else:
            return "queued"
    return run_in_process(task, *args, **kwargs)


def run_in_process(task, *args, **kwargs) -> str:
    """Call the task's body once, here. A failure is logged, not raised: the task is idempotent
    and its state is in the database, so a later run can finish the work."""
    try:
        task(*args, **kwargs)
    except Exception:
        logger.exception("Background task %s%r failed in-process.", task.name, args)
        return "failed"
    return "ran"


def _shared_task(**options):
    return shared_task(**options)


@_shared_task(
    autoretry_for=TRANSIENT_ERRORS, retry_backoff=30, retry_backoff_max=30 * 60, max_retries=10
)
def send_invitation(invitation_id: int) -> bool:
    """E-mail one account invitation (idempotent: at most once per invitation row)."""
    return invitation_deliver(invitation_id=invitation_id)
