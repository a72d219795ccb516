"""Writes behind the reminder mails of courses (services; the tasks in tasks.py only call
them): stalled learners and upcoming sessions (daily), a team session's invitations and a
team lead's reminder. Each mail goes out once through core.notifications.notify_once (key
``courses:<kind>:<user id>:<event>``), in the same transaction as its record, so a mail that
failed is sent by a later run and a retry never sends twice."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from glans_learning.core.links import public_base_url
from glans_learning.core.notifications import notification_key, notify_once
from glans_learning.core.tasks import TRANSIENT_ERRORS
from glans_learning.organisations.models import Membership

from .calendar import absolute_url, send_mail_with_ics
from .models import (
    Enrollment,
    LearnerPreference,
    ProgrammeCompletion,
    ProgrammePage,
    ReminderSettings,
    Session,
)

logger = logging.getLogger(__name__)


def single_line(text: str) -> str:
    """An e-mail subject is one line: line breaks and other control characters (from a title
    that predates validation) become spaces instead of failing the mail (BadHeaderError)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _send_reminder_once(
    *, user, kind: str, key: str, template: str, context: dict, session=None, method="PUBLISH"
) -> bool:
    """Send one reminder for one event, at most once, through the once-only notification
    service (key ``courses:<kind>:<user id>:<key>``): a failed mail leaves no record and is
    tried again by the next run. A session mail carries the session's .ics."""
    if not user.email:
        return False

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            subject = single_line(render_to_string(f"{template}_subject.txt", context))
            body = render_to_string(f"{template}.txt", context)
        if session is None:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        else:
            send_mail_with_ics(
                subject=subject, body=body, to=user.email, session=session, method=method
            )

    return notify_once(
        key=notification_key("courses", kind, user.pk, key), kind=kind, user=user, send=send
    )


def _send_in_batch(**kwargs) -> bool:
    """One reminder of a daily run: a mail server that fails for this one is logged and
    leaves it unsent (the next run tries again) instead of stopping everybody else's."""
    try:
        return _send_reminder_once(**kwargs)
    except TRANSIENT_ERRORS:
        logger.warning(
            "Reminder %s for user %s not sent; retried next run.",
            kwargs["kind"],
            kwargs["user"].pk,
            exc_info=True,
        )
        return False


def reminders_send_due() -> dict:
    """Daily (Celery beat): remind learners who stalled and participants of upcoming sessions.
    Idempotent: each event (an enrolment stalling since a given day, a session) is mailed once;
    learners who switched reminders off get nothing."""
    config = ReminderSettings.load()
    now = timezone.now()
    opted_out = set(
        LearnerPreference.objects.filter(reminders_enabled=False).values_list("user_id", flat=True)
    )
    sent = {"stalled": 0, "session": 0}

    stall_before = now - timedelta(days=config.stall_days)
    completed = ProgrammeCompletion.objects.values_list("user_id", "programme_id")
    done_pairs = set(completed)
    stalled = (
        Enrollment.objects.active()
        .filter(
            Q(last_activity_at__lt=stall_before)
            | Q(last_activity_at__isnull=True, created_at__lt=stall_before)
        )
        .exclude(user_id__in=opted_out)
        .select_related("user", "programme")
    )
    for enrollment in stalled.iterator():
        if (enrollment.user_id, enrollment.programme_id) in done_pairs:
            continue
        since = (enrollment.last_activity_at or enrollment.created_at).date().isoformat()
        if _send_in_batch(
            user=enrollment.user,
            kind="stalled",
            key=f"enrollment:{enrollment.pk}:{since}",
            template="glans_courses/email/reminder_stalled",
            context={"enrollment": enrollment, "days": config.stall_days},
        ):
            sent["stalled"] += 1

    window_end = now + timedelta(days=config.session_days_before)
    sessions = (
        Session.objects.filter(starts_at__gt=now, starts_at__lte=window_end)
        .select_related("programme")
        .prefetch_related("registrations__user")
    )
    for session in sessions:
        for registration in session.registrations.all():
            if registration.user_id in opted_out:
                continue
            if _send_in_batch(
                user=registration.user,
                kind="session",
                key=f"session:{session.pk}",
                template="glans_courses/email/reminder_session",
                context={"session": session, "user": registration.user},
                session=session,
            ):
                sent["session"] += 1
    return sent


def team_invitations_send(*, session_id: int) -> int:
    """Invite every current member of a team session's unit (an e-mail with the session's .ics,
    METHOD:REQUEST). Idempotent: each person is invited once per session (notify_once), so
    running it again only reaches who joined the team since."""
    session = (
        Session.objects.select_related("programme", "unit")
        .filter(pk=session_id, unit__isnull=False, ends_at__gte=timezone.now())
        .first()
    )
    if session is None:
        return 0
    link = absolute_url(reverse("glans_courses:session_detail", args=[session.pk]))
    members = (
        Membership.objects.current()
        .filter(unit_id=session.unit_id, user__is_active=True, user__email__gt="")
        .select_related("user")
        .order_by("user_id")
    )
    sent = 0
    seen = set()
    for membership in members:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        if _send_reminder_once(
            user=membership.user,
            kind="invitation",
            key=f"session:{session.pk}",
            template="glans_courses/email/team_invitation",
            context={"session": session, "user": membership.user, "link": link},
            session=session,
            method="REQUEST",
        ):
            sent += 1
    return sent


def staff_reminder_send(*, user_id: int, programme_id: int, key: str, by_id: int) -> bool:
    """A team lead's reminder ('Wie mist er nog?'): mailed at most once per person,
    programme and day (the notification key)."""
    User = get_user_model()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    programme = ProgrammePage.objects.filter(pk=programme_id).first()
    if user is None or programme is None:
        return False
    base = public_base_url()
    return _send_reminder_once(
        user=user,
        kind="director",
        key=key,
        template="glans_courses/email/staff_reminder",
        context={
            "user": user,
            "programme": programme,
            "by": User.objects.filter(pk=by_id).first(),
            "url": (base or "").rstrip("/") + reverse("glans_courses:my_route"),
        },
    )
