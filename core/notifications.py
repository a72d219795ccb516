"""The once-only notification service: every mail or reminder that must go out at most once
(a stalled learner, a session, a team invitation, a director's reminder, a certificate's
expiry or check-in, a measurement moment) goes through ``notify_once``.

The key is claimed (a unique ``SentNotification`` row) and the mail is sent in one
transaction. If sending raises, the transaction rolls back: no row, so the next run tries
again. A second worker with the same key waits for the first one's transaction on the unique
index and then finds the key taken, so a retry never sends twice. (A mail that left but whose
commit then failed can go out a second time: at least once, never silently lost.)

Keys are ``<app>:<kind>:<subject id>:<event>``; ``notification_key`` builds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction

from .models import SentNotification


def notification_key(app: str, kind: str, subject_id, event) -> str:
    """The one spelling of a key: ``courses:stalled:12:enrollment:3:2026-01-05``."""
    return f"{app}:{kind}:{subject_id}:{event}"


# --- service (write) ------------------------------------------------------------------------


def notify_once(*, key: str, kind: str, send: Callable[[], object], user=None) -> bool:
    """Claim ``key`` and call ``send()`` in one transaction. Returns True when this call sent
    it, False when it had been sent already. An exception from ``send`` rolls the claim back
    and propagates (a task's retry, or the next beat run, sends it then)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentNotification.objects.create(key=key, user=user, kind=kind)
        except IntegrityError:
            return False
        send()
    return True


# --- selectors (reads) ----------------------------------------------------------------------


def was_sent(key: str) -> bool:
    """Whether the notification with this key went out (one query)."""
    return SentNotification.objects.filter(key=key).exists()


def sent_keys(keys: Iterable[str]) -> set[str]:
    """Which of these keys went out: one query, however many keys."""
    keys = list(keys)
    if not keys:
        return set()
    return set(SentNotification.objects.filter(key__in=keys).values_list("key", flat=True))


def sent_keys_starting(prefix: str) -> set[str]:
    """Every sent key under a prefix (``measurement:moment:7:``): one query."""
    return set(
        SentNotification.objects.filter(key__startswith=prefix).values_list("key", flat=True)
    )
