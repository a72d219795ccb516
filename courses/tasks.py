"""Background work for courses. Tasks take ids, are idempotent and thin: they fetch, call a
service and retry on transient errors."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import SessionRegistration


@shared_task(
    bind=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5
)
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
            body = render_to_string(
                "courses/email/session_confirmation.txt", {"registration": registration}
            )
            subject = render_to_string(
                "courses/email/session_confirmation_subject.txt", {"registration": registration}
            ).strip()
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.user.email])
        registration.confirmation_sent_at = timezone.now()
        registration.save(update_fields=["confirmation_sent_at"])
    return True
