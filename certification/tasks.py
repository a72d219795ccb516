"""Background work for certification: the certificate PDF (made once) and the reminders
before expiry and before the yearly check-in (each sent once, recorded). Idempotent; the
PDF task is enqueued through glans_learning.core.tasks.enqueue, the reminders run on beat."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from glans_learning.core import pdf as core_pdf
from glans_learning.core.links import absolute_url
from glans_learning.core.notifications import notification_key, notify_once, sent_keys
from glans_learning.core.tasks import TRANSIENT_ERRORS
from glans_learning.core.templatetags.glans_core_tags import moment
from glans_learning.organisations.models import Membership, RoleCode
from glans_learning.organisations.permissions import HANDBOOK_ROLES

from . import documents, lifecycle
from .models import AuditEvent, Certificate

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
                "until": moment(certificate.valid_until),
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
        % {"unit": certificate.unit.name, "due": moment(due), "url": url},
    )


@shared_task
def send_certification_reminders() -> int:
    """Remind schools 90 and 30 days before their certificate expires and when the yearly
    check-in opens. Each (certificate, reason) once, through the once-only notification
    service (key ``certification:certificate:<id>:<reason>``): the mail and its record are one
    transaction, so a second run (or a parallel worker) sends nothing and a mail that failed
    is sent by the next run. With nobody to mail, nothing is recorded (a director who joins
    later still gets it)."""
    today = timezone.localdate()
    sent = 0
    certificates = list(
        Certificate.objects.filter(revoked_at__isnull=True, valid_until__gte=today)
        .select_related("unit")
        .prefetch_related("checkins")
    )
    due = [
        (certificate, kind, certificate_reminder_key(certificate.pk, key))
        for certificate in certificates
        for key, kind in lifecycle.reminders_due(certificate, today=today)
    ]
    done = sent_keys(key for _c, _k, key in due)
    for certificate, kind, key in due:
        if key in done:
            continue
        recipients = _recipients(certificate.unit_id)
        if not recipients:
            continue

        def send(certificate=certificate, kind=kind, recipients=recipients):
            with translation.override(settings.LANGUAGE_CODE):
                subject, body = _message(certificate, kind)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)

        try:
            if notify_once(key=key, kind=f"certificate-{kind}", send=send):
                sent += 1
        except TRANSIENT_ERRORS:
            logger.warning(
                "Certificate reminder %s not sent; retried next run.", key, exc_info=True
            )
    return sent


def certificate_reminder_key(certificate_id: int, reason: str) -> str:
    """The once-only notification key of a certificate's reminder ('expiry-90', ...)."""
    return notification_key("certification", "certificate", certificate_id, reason)


def _board_recipients(board_id) -> list[str]:
    """The board-level Expertgroep of this board (staff addresses only)."""
    emails = (
        Membership.objects.current()
        .filter(unit__board_id=board_id, roles__code=RoleCode.BOARD_EXPERTGROEP)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


def _report_text(application) -> str:
    rows = [
        (_("Successen"), application.report_successes),
        (_("Ontwikkelpunten"), application.report_development),
        (_("Mate van geslaagde samenwerking"), application.report_cooperation),
        (_("Stappen voor volgend jaar"), application.report_next_steps),
    ]
    return "\n\n".join(f"{label}:\n{text}" for label, text in rows if text.strip())


def _outcome_message(event) -> tuple[str, str, str]:
    """Subject, body for the school and body for the board, for a return, a decision or a
    revocation. Staff and school names only; no parent data exists here."""
    application = event.application
    unit = application.unit.name
    url = absolute_url(reverse("glans_certification:application", args=[application.pk]))
    if event.action == "intake":
        subject = _("School met Glans: de aanvraag van %(unit)s is nog niet compleet") % {
            "unit": unit
        }
        body = _(
            "De auditor heeft de aanvraag van %(unit)s bekeken. Er is nog wat nodig voordat "
            "de beoordeling kan beginnen:\n\n%(remarks)s"
        ) % {"unit": unit, "remarks": application.intake_remarks}
        board = _("De aanvraag School met Glans van %(unit)s is teruggegeven voor aanvulling.")
    elif event.action == "revoked":
        subject = _("School met Glans: het certificaat van %(unit)s is ingetrokken") % {
            "unit": unit
        }
        body = _(
            "Het certificaat School met Glans van %(unit)s is ingetrokken. Reden:\n\n%(reason)s"
        ) % {
            "unit": unit,
            "reason": event.data.get("reason", ""),
        }
        board = body
    else:
        certified = event.data.get("outcome") == "certified"
        if certified:
            subject = _("School met Glans: %(unit)s is gecertificeerd") % {"unit": unit}
            outcome = _("%(unit)s is School met Glans, geldig tot %(until)s.") % {
                "unit": unit,
                "until": moment(application.valid_until) if application.valid_until else "–",
            }
        else:
            subject = _("School met Glans: het besluit over %(unit)s") % {"unit": unit}
            outcome = _(
                "%(unit)s is nog niet gecertificeerd. Met de ontwikkelpunten hieronder kan de "
                "school verder en later opnieuw aanvragen."
            ) % {"unit": unit}
        body = outcome
        if application.decision_remarks.strip():
            body += "\n\n" + _("Toelichting bij het besluit") + ":\n" + application.decision_remarks
        report = _report_text(application)
        if report:
            body += "\n\n" + _("Verslag van het gesprek") + "\n\n" + report
        board = outcome
    return subject, f"{body}\n\n{url}", board


@shared_task
def mail_audit_outcome(event_id: int) -> bool:
    """Mail a return, a decision or a revocation to the school's director and Expertgroep
    (with the report) and tell the board's Expertgroep. Once per event: the event is
    claimed (``mailed_at``) before sending, so a retry or a second worker sends nothing."""
    claimed = AuditEvent.objects.filter(
        pk=event_id,
        mailed_at__isnull=True,
        action__in=["intake", "decided", "revoked"],
    ).update(mailed_at=timezone.now())
    if not claimed:
        return False
    event = AuditEvent.objects.select_related("application__unit").get(pk=event_id)
    unit = event.application.unit
    with translation.override(settings.LANGUAGE_CODE):
        subject, school_body, board_body = _outcome_message(event)
        school = _recipients(unit.pk)
        if school:
            send_mail(subject, school_body, settings.DEFAULT_FROM_EMAIL, school)
        board = [email for email in _board_recipients(unit.board_id) if email not in school]
        if board:
            send_mail(subject, board_body, settings.DEFAULT_FROM_EMAIL, board)
    return True
