"""Background work for courses. Tasks take ids, are idempotent and thin: they fetch, call a
service and retry on transient errors."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from glans_learning.core.tasks import TRANSIENT_ERRORS

from . import reminders
from .calendar import absolute_url, send_mail_with_ics
from .models import SessionRegistration
from .reminders import single_line

# A mail server that is down or refuses (smtplib errors are OSErrors) is retried with backoff,
# 30 s doubling to at most 30 min, for about three hours; after that the registration keeps
# confirmation_sent_at empty and send_pending_confirmations (beat) picks it up.
MAIL_RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "max_retries": 10,
}


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


@shared_task
def send_reminders() -> dict:
    """Daily (Celery beat): remind learners who stalled and participants of upcoming sessions,
    each event once (reminders.reminders_send_due)."""
    return reminders.reminders_send_due()


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
    """Invite every current member of a team session's unit, each once per session; a mail
    server error retries the task, which then reaches only who was not invited yet."""
    return reminders.team_invitations_send(session_id=session_id)


@shared_task(**MAIL_RETRY)
def send_staff_reminder(user_id: int, programme_id: int, key: str, by_id: int) -> bool:
    """A team lead's reminder ('Wie mist er nog?'): at most once per person, programme and
    day (reminders.staff_reminder_send)."""
    return reminders.staff_reminder_send(
        user_id=user_id, programme_id=programme_id, key=key, by_id=by_id
    )
