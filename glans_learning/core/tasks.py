"""Enqueue background work so that it never becomes a user-facing error.

Every app enqueues its Celery tasks through :func:`enqueue`, never with `.delay()`:

- the task is sent after the surrounding transaction commits (never for rolled-back rows);
- with a broker (``CELERY_BROKER_URL`` or the host's Celery app), it goes to the workers;
  tasks retry there with backoff on transient errors (a mail server that is down);
- without a broker, or with ``CELERY_TASK_ALWAYS_EAGER``, or when the broker cannot be
  reached, the task runs in this process after the commit;
- a failure is logged and never raised to the user: the row that asked for the work is
  already committed, and tasks are idempotent, so a later run (a retry, a beat sweep)
  finishes it.

The system check ``glans_core.W001`` (see checks.py) warns when a host has no broker.
"""

import logging

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def _celery_conf():
    from celery import current_app

    return current_app.conf


def broker_configured() -> bool:
    """Whether the host configured a Celery broker (in settings or on its Celery app)."""
    return bool(getattr(settings, "CELERY_BROKER_URL", None) or _celery_conf().broker_url)


def runs_eagerly() -> bool:
    """Whether the host asked for tasks to run in-process (``CELERY_TASK_ALWAYS_EAGER``)."""
    return bool(
        getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or _celery_conf().task_always_eager
    )


def enqueue(task, *args, **kwargs) -> None:
    """Run ``task(*args, **kwargs)`` in the background once the current transaction commits
    (at once outside a transaction). Never raises."""
    transaction.on_commit(lambda: dispatch(task, *args, **kwargs))


def dispatch(task, *args, **kwargs) -> str:
    """Send the task now: to the broker if there is one, else in-process. Returns how it went
    (``"queued"``, ``"ran"`` or ``"failed"``); never raises."""
    if broker_configured() and not runs_eagerly():
        try:
            task.apply_async(args=args, kwargs=kwargs)
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
    from celery import shared_task

    return shared_task(**options)


@_shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=30 * 60, max_retries=10)
def send_invitation(invitation_id: int) -> bool:
    """E-mail one account invitation (idempotent: at most once per invitation row)."""
    from .invitations import invitation_deliver

    return invitation_deliver(invitation_id=invitation_id)
