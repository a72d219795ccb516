"""Background work for certification: the certificate PDF (made once) and the reminders
before expiry and before the yearly check-in (each sent once, recorded). Idempotent; the
PDF task is enqueued through glans_learning.core.tasks.enqueue, the reminders run on beat."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from glans_learning.core import pdf as core_pdf
from glans_learning.organisations.models import Membership
from glans_learning.organisations.permissions import HANDBOOK_ROLES

from . import documents, lifecycle
from .models import Certificate, CertificateReminder

logger = logging.getLogger(__name__)


@shared_task
def make_certificate_pdf(certificate_id: int) -> bool:
    """Make the school certificate's PDF if it is still missing. Without WeasyPrint it
    does nothing (the certificate page says so); returns whether a PDF is there now."""
    if not core_pdf.pdf_available():
        logger.info("WeasyPrint is not installed; certificate %s has no PDF.", certificate_id)
        return False
    certificate = documents.certificate_pdf_make(certificate_id=certificate_id)
    return bool(certificate and certificate.pdf)


def _recipients(unit_id) -> list[str]:
    """The director and the school's Expertgroep: staff addresses only, never parents."""
    emails = (
        Membership.objects.current()
        .filter(unit_id=unit_id, is_active=True, roles__code__in=list(HANDBOOK_ROLES))
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


def _message(certificate, kind) -> tuple[str, str]:
    url = documents.verification_url(certificate)
    if kind == "expiry":
        return (
            _("School met Glans: het certificaat loopt binnenkort af"),
            _(
                "Wat mooi dat %(unit)s School met Glans is. Het certificaat is geldig tot "
                "%(until)s. Willen jullie het voortzetten, start dan het handboek van dit jaar "
                "en dien een nieuwe aanvraag in; de auditor plant graag een gesprek.\n\n%(url)s"
            )
            % {
                "unit": certificate.unit.name,
                "until": certificate.valid_until.strftime("%d-%m-%Y"),
                "url": url,
            },
        )
    due = lifecycle.current_checkin_due(certificate)
    return (
        _("School met Glans: tijd voor de jaarlijkse check-in"),
        _(
            "De jaarlijkse check-in van %(unit)s staat open (uiterlijk %(due)s). Laat zien hoe "
            "jullie het handboek dit jaar versterkten en hoe de metingen ervoor staan; zo "
            "blijft het certificaat geldig. Dank voor jullie inzet!\n\n%(url)s"
        )
        % {"unit": certificate.unit.name, "due": due.strftime("%d-%m-%Y"), "url": url},
    )


@shared_task
def send_certification_reminders() -> int:
    """Remind schools 90 and 30 days before their certificate expires and when the yearly
    check-in opens. Each (certificate, reason) once: the CertificateReminder row is written
    before the mail, so a second run (or a parallel worker) sends nothing."""
    today = timezone.localdate()
    sent = 0
    certificates = (
        Certificate.objects.filter(revoked_at__isnull=True, valid_until__gte=today)
        .select_related("unit")
        .prefetch_related("checkins", "reminders")
    )
    for certificate in certificates:
        done = {r.key for r in certificate.reminders.all()}
        for key, kind in lifecycle.reminders_due(certificate, today=today):
            if key in done:
                continue
            try:
                with transaction.atomic():
                    CertificateReminder.objects.create(certificate=certificate, key=key)
            except IntegrityError:
                continue
            recipients = _recipients(certificate.unit_id)
            if recipients:
                with translation.override(settings.LANGUAGE_CODE):
                    subject, body = _message(certificate, kind)
                    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
            sent += 1
    return sent
