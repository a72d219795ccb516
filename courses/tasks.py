"""Background work for courses. Tasks take ids, are idempotent and thin: they fetch, call a
service and retry on transient errors."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from glans_learning.core.notifications import notification_key, notify_once
from glans_learning.core.tasks import TRANSIENT_ERRORS

from .calendar import absolute_url, send_mail_with_ics
from .models import (
    Enrollment,
    LearnerPreference,
    ProgrammeCompletion,
    ReminderSettings,
    Session,
    SessionRegistration,
)

# A mail server that is down or refuses (smtplib errors are OSErrors) is retried with backoff,
# 30 s doubling to at most 30 min, for about three hours; after that the registration keeps
# confirmation_sent_at empty and send_pending_confirmations (beat) picks it up.
MAIL_RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "max_retries": 10,
}

logger = logging.getLogger(__name__)


def single_line(text: str) -> str:
    """An e-mail subject is one line: line breaks and other control characters (from a title
    that predates validation) become spaces instead of failing the mail (BadHeaderError)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


@shared_task(bind=True, **MAIL_RETRY)
def send_session_confirmation(self, registration_id: int) -> bool:
    """E-mail a learner that their registration for a session is confirmed. Sends at most once
    per registration, however often the task runs."""
    with transaction.atomic():
        registration = (
            SessionRegistration.objects.select_for_update()
            .select_related("session", "session__programme", "user")
            .filter(pk=registration_id, confirmation_sent_at__isnull=True)
            .first()
        )
        if registration is None or not registration.user.email:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            link = absolute_url(
                reverse("glans_courses:session_detail", args=[registration.session_id])
            )
            body = render_to_string(
                "glans_courses/email/session_confirmation.txt",
                {"registration": registration, "link": link},
            )
            subject = render_to_string(
                "glans_courses/email/session_confirmation_subject.txt",
                {"registration": registration},
            )
            subject = single_line(subject)
        send_mail_with_ics(
            subject=subject,
            body=body,
            to=registration.user.email,
            session=registration.session,
            method="PUBLISH",
        )
        registration.confirmation_sent_at = timezone.now()
        registration.save(update_fields=["confirmation_sent_at"])
    return True


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


@shared_task
def send_reminders() -> dict:
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


@shared_task
def send_pending_confirmations() -> int:
    """Beat sweep: confirmations whose mail could not be sent (retries used up, or a failed
    in-process run on a host without a broker) for sessions still to come. Idempotent."""
    pending = SessionRegistration.objects.filter(
        confirmation_sent_at__isnull=True,
        session__starts_at__gt=timezone.now(),
        user__email__gt="",
    ).values_list("pk", flat=True)
    return sum(1 for pk in pending if send_session_confirmation(pk))


@shared_task(bind=True, **MAIL_RETRY)
def send_team_invitations(self, session_id: int) -> int:
    """Invite every current member of a team session's unit (an e-mail with the session's .ics,
    METHOD:REQUEST). Idempotent: each person is invited once per session (notify_once), so
    running it again only reaches who joined the team since."""
    from glans_learning.organisations.models import Membership

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


@shared_task(**MAIL_RETRY)
def send_staff_reminder(user_id: int, programme_id: int, key: str, by_id: int) -> bool:
    """A team lead's reminder ('Wie mist er nog?'): mailed at most once per person,
    programme and day (the notification key)."""
    from django.contrib.auth import get_user_model

    from .models import ProgrammePage

    User = get_user_model()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    programme = ProgrammePage.objects.filter(pk=programme_id).first()
    if user is None or programme is None:
        return False
    from glans_learning.core.links import public_base_url

    base = public_base_url()
    from django.urls import reverse

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
