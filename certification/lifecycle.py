"""A certificate over its years (docs/certification.md, "Keeping the certificate"): the
yearly check-in that keeps it valid, its state on every screen, and the reminders before
expiry and before a check-in is due.

The check-in is due on each anniversary of the issue date that falls before `valid_until`.
It can be done from CHECKIN_WINDOW_DAYS before that date. Not done yet:

- up to CHECKIN_GRACE_DAYS after the date: still valid, the check-in is *open*;
- then up to CHECKIN_SUSPEND_DAYS after the date: still valid, shown as *check-in overdue*;
- later: *suspended* until the school does the check-in (the verification page says so and
  the school leaves the public register).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHECKIN_WINDOW_DAYS = 60
CHECKIN_GRACE_DAYS = 30
CHECKIN_SUSPEND_DAYS = 90
EXPIRY_REMINDER_DAYS = (90, 30)

STATE_LABELS = {
    "valid": _("geldig"),
    "checkin_open": _("geldig; de jaarlijkse check-in staat open"),
    "checkin_overdue": _("geldig; de jaarlijkse check-in is over tijd"),
    "suspended": _("geschorst tot de jaarlijkse check-in is gedaan"),
    "expired": _("verlopen"),
    "revoked": _("ingetrokken"),
}


def _anniversary(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def checkin_dates(certificate) -> list[datetime.date]:
    issued = timezone.localdate(certificate.issued_at)
    out, n = [], 1
    while (due := _anniversary(issued, n)) < certificate.valid_until:
        out.append(due)
        n += 1
    return out


def current_checkin_due(certificate, *, today=None) -> datetime.date | None:
    """The check-in date whose window has opened most recently, or None."""
    today = today or timezone.localdate()
    opened = [
        d
        for d in checkin_dates(certificate)
        if d - datetime.timedelta(days=CHECKIN_WINDOW_DAYS) <= today
    ]
    return opened[-1] if opened else None


def certificate_state(certificate, *, today=None) -> dict:
    """{state, label, valid, checkin_due, checkin} for a certificate on `today`. Uses
    `certificate.checkins.all()` (prefetch it for lists)."""
    today = today or timezone.localdate()
    due = current_checkin_due(certificate, today=today)
    checkin = None
    if due is not None:
        checkin = next((c for c in certificate.checkins.all() if c.due_on == due), None)
    if certificate.revoked_at is not None:
        state = "revoked"
    elif certificate.valid_until < today:
        state = "expired"
    elif due is None or checkin is not None:
        state = "valid"
    elif today <= due + datetime.timedelta(days=CHECKIN_GRACE_DAYS):
        state = "checkin_open"
    elif today <= due + datetime.timedelta(days=CHECKIN_SUSPEND_DAYS):
        state = "checkin_overdue"
    else:
        state = "suspended"
    return {
        "state": state,
        "label": STATE_LABELS[state],
        "valid": state in ("valid", "checkin_open", "checkin_overdue"),
        "checkin_due": due if state in ("checkin_open", "checkin_overdue", "suspended") else None,
        "checkin": checkin,
    }


def reminders_due(certificate, *, today=None) -> list[tuple[str, str]]:
    """(key, kind) of the reminders that should have gone out by `today`: 'expiry' at 90 and
    30 days before valid_until, 'checkin' when a check-in window opens. Only the latest of
    each kind, so a late first run never sends a stack of them."""
    today = today or timezone.localdate()
    state = certificate_state(certificate, today=today)
    if certificate.revoked_at is not None or certificate.valid_until < today:
        return []
    out = []
    passed = [
        days
        for days in EXPIRY_REMINDER_DAYS
        if certificate.valid_until - datetime.timedelta(days=days) <= today
    ]
    if passed:
        out.append((f"expiry-{min(passed)}", "expiry"))
    if state["checkin_due"] is not None:
        out.append((f"checkin-{state['checkin_due'].isoformat()}", "checkin"))
    return out
