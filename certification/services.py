"""Writes for certification. The audit is a small state machine (see docs/certification.md):

    submitted → review (intake complete) → conversation (all criteria reviewed)
    → decision (conversation reported) → [second_opinion] → certified | not_yet
    submitted → returned (intake: incomplete)

Every step checks who may take it (organisations/permissions.py), refuses with a
translated ValidationError, and is logged as an AuditEvent the school can read."""

from __future__ import annotations

import datetime
import hashlib
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from glans_learning.core.tasks import enqueue
from glans_learning.core.templatetags.glans_core_tags import moment
from glans_learning.organisations.permissions import (
    has_perm,
    in_handbook_team,
    may_audit_unit,
    writes_handbook_of,
)

from . import lifecycle, selectors
from .models import (
    Application,
    AuditEvent,
    Certificate,
    CheckIn,
    CriterionReview,
    CriterionSet,
    Handbook,
    HandbookAttachment,
    HandbookComment,
    HandbookSection,
    Status,
    Verdict,
)
from .tasks import mail_audit_outcome, make_certificate_pdf

DEFAULT_VALIDITY_YEARS = 3


def _log(application, action, actor, **data):
    return AuditEvent.objects.create(application=application, action=action, actor=actor, data=data)


def _announce(event):
    """Mail the outcome of this step to the school and its board's Expertgroep, once,
    after the commit (through the outbox)."""
    enqueue(mail_audit_outcome, event.pk)


def _require_auditor(user, application):
    if not may_audit_unit(user, application.unit):
        raise PermissionDenied


def _require_status(application, *statuses):
    if application.status not in statuses:
        raise ValidationError(
            _("Deze stap past niet bij de huidige fase (%(status)s).")
            % {"status": application.get_status_display()}
        )


# --- handbook ----------------------------------------------------------------------------


@transaction.atomic
def handbook_start(*, unit, school_year, user) -> Handbook:
    """Start this year's handbook: a copy of last year's (to be strengthened), or one
    section per criterion of the current set that starts from the criterion's template."""
    if not writes_handbook_of(user, unit):
        raise PermissionDenied
    if Handbook.objects.filter(unit=unit, school_year=school_year).exists():
        raise ValidationError(_("Voor dit schooljaar is er al een handboek."))
    criterion_set = CriterionSet.current()
    if criterion_set is None:
        raise ValidationError(_("Er zijn nog geen certificeringscriteria vastgesteld."))
    previous = (
        Handbook.objects.filter(unit=unit, school_year__start_date__lt=school_year.start_date)
        .order_by("-school_year__start_date")
        .first()
    )
    handbook = Handbook(
        unit=unit, school_year=school_year, criterion_set=criterion_set, previous=previous
    )
    bodies = {}
    if previous is not None:
        source = selectors.handbook_live(previous) or selectors.handbook_latest(previous)
        handbook.intro = source.intro
        bodies = {s.criterion.code: s.body for s in source.sections.all()}
    handbook.live = False
    handbook.save()
    for order, criterion in enumerate(criterion_set.criteria.all()):
        HandbookSection.objects.create(
            handbook=handbook,
            criterion=criterion,
            # last year's text, or else the criterion's template to start from
            body=bodies.get(criterion.code) or criterion.handbook_template,
            sort_order=order,
        )
    handbook.save_revision(user=user, log_action=True)
    return handbook


# --- application -------------------------------------------------------------------------


def dossier_build(*, application_unit, school_year, handbook) -> dict:
    """The frozen dossier: aggregates only (no parent, child or staff names)."""
    live = selectors.handbook_live(handbook)
    checks = selectors.prechecks(
        unit=application_unit,
        school_year=school_year,
        handbook=live,
        criterion_set=handbook.criterion_set,
    )
    measurement = selectors.unit_measurements(
        unit=application_unit, school_year=school_year, group_ids=[]
    )
    return {
        "frozen_at": timezone.now().isoformat(),
        "unit": {"id": application_unit.pk, "name": application_unit.name},
        "school_year": str(school_year),
        "criterion_set": handbook.criterion_set.name,
        "handbook": {
            "id": handbook.pk,
            "revision_id": handbook.live_revision_id,
            "intro": selectors.plain_text(live.intro),
            "sections": [
                {"code": s["code"], "title": s["title"], "text": s["text"]}
                for s in selectors.handbook_sections(live)
            ],
        },
        "measurement": {
            "target": measurement["target"],
            "moments": [
                {
                    "date": m["moment"].date.isoformat(),
                    "rated": m["rated"],
                    "share_positive": m["share_positive"],
                }
                for m in measurement["moments"]
            ],
        },
        "workshop": selectors.workshop_figures(unit=application_unit, school_year=school_year),
        "tdt": selectors.tdt_figures(unit=application_unit, school_year=school_year),
        "expertgroep": selectors.expertgroep_figures(unit=application_unit),
        # By reference: attachments are never changed and removing one keeps the file.
        "attachments": [
            {
                "id": a.pk,
                "code": a.criterion.code,
                "title": a.title,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in selectors.handbook_attachments(handbook=handbook)
        ],
        "prechecks": [
            {
                "code": row["criterion"].code,
                "title": row["criterion"].title,
                "category": row["criterion"].category,
                "met": row["met"],
                "evidence": str(row["evidence"]),
            }
            for row in checks
        ],
    }


@transaction.atomic
def application_submit(*, unit, user, school_year=None) -> Application:
    if not writes_handbook_of(user, unit):
        raise PermissionDenied
    school_year = school_year or selectors.current_year()
    handbook = selectors.handbook_for(unit=unit, school_year=school_year)
    if handbook is None or not handbook.live:
        raise ValidationError(
            _("Publiceer eerst het handboek van dit schooljaar; dat is de basis van het gesprek.")
        )
    if selectors.open_application(unit) is not None:
        raise ValidationError(_("Er loopt al een aanvraag voor deze school."))
    application = Application.objects.create(
        unit=unit,
        school_year=school_year,
        criterion_set=handbook.criterion_set,
        handbook=handbook,
        submitted_by=user,
        dossier=dossier_build(application_unit=unit, school_year=school_year, handbook=handbook),
    )
    _log(application, "submitted", user, revision_id=handbook.live_revision_id)
    return application


@transaction.atomic
def intake_record(*, application, user, complete: bool, remarks: str = "") -> Application:
    _require_auditor(user, application)
    _require_status(application, Status.SUBMITTED)
    if not complete and not remarks.strip():
        raise ValidationError(_("Schrijf erbij wat er nog ontbreekt."))
    application.auditor = user
    application.intake_remarks = remarks
    application.status = Status.REVIEW if complete else Status.RETURNED
    application.save()
    event = _log(application, "intake", user, complete=complete, remarks=remarks)
    if not complete:
        _announce(event)
    return application


@transaction.atomic
def criterion_review(
    *, application, user, criterion, verdict: str, remarks: str = ""
) -> CriterionReview:
    _require_auditor(user, application)
    _require_status(application, Status.REVIEW)
    if verdict not in Verdict.values:
        raise ValidationError(_("Kies 'voldoet' of 'ontwikkelpunt'."))
    if criterion.criterion_set_id != application.criterion_set_id:
        raise ValidationError(_("Dit criterium hoort niet bij deze aanvraag."))
    if verdict == Verdict.MET and not remarks.strip() and precheck_failed(application, criterion):
        raise ValidationError(
            _(
                "De voorcontrole van %(code)s haalde het niet. Schrijf op waarom dit "
                "criterium toch voldoet."
            )
            % {"code": criterion.code}
        )
    review, _created = CriterionReview.objects.update_or_create(
        application=application,
        criterion=criterion,
        defaults={"verdict": verdict, "remarks": remarks, "reviewed_by": user},
    )
    _log(application, "review", user, criterion=criterion.code, verdict=verdict)
    total = application.criterion_set.criteria.count()
    if application.reviews.count() >= total:
        application.status = Status.CONVERSATION
        application.save(update_fields=["status"])
        _log(application, "review_complete", user)
    return review


def precheck_failed(application, criterion) -> bool:
    """Whether the pre-check of this criterion, frozen in the dossier, was not met."""
    for row in application.dossier.get("prechecks", []):
        if row.get("code") == criterion.code:
            return row.get("met") is False
    return False


@transaction.atomic
def criteria_review(*, application, user, verdicts: dict) -> list[CriterionReview]:
    """Review several criteria at once (the one-page review): ``verdicts`` maps each
    criterion to ``(verdict, remarks)``; criteria without a verdict stay open. All or
    nothing: one refused criterion saves none (the ValidationError names each one)."""
    _require_auditor(user, application)
    _require_status(application, Status.REVIEW)
    saved, errors = [], {}
    for criterion, (verdict, remarks) in verdicts.items():
        if not verdict:
            continue
        try:
            with transaction.atomic():
                saved.append(
                    criterion_review(
                        application=application,
                        user=user,
                        criterion=criterion,
                        verdict=verdict,
                        remarks=remarks,
                    )
                )
        except ValidationError as exc:
            errors[str(criterion.pk)] = exc.messages
        application.refresh_from_db(fields=["status"])
        if application.status != Status.REVIEW:
            break
    if errors:
        raise ValidationError(errors)
    if not saved:
        raise ValidationError(_("Kies bij minstens één criterium 'voldoet' of 'ontwikkelpunt'."))
    return saved


@transaction.atomic
def conversation_plan(
    *, application, user, at: datetime.datetime, place: str, participants: str, agenda: str
) -> Application:
    _require_auditor(user, application)
    _require_status(application, Status.CONVERSATION)
    if at is None:
        raise ValidationError(_("Kies een datum en tijd voor het gesprek."))
    application.conversation_at = at
    application.conversation_place = place
    application.conversation_participants = participants
    application.conversation_agenda = agenda
    application.save()
    _log(application, "conversation_planned", user, at=at.isoformat())
    return application


@transaction.atomic
def conversation_report(
    *, application, user, successes: str, development: str, cooperation: str, next_steps: str
) -> Application:
    _require_auditor(user, application)
    _require_status(application, Status.CONVERSATION)
    if application.conversation_at is None:
        raise ValidationError(_("Plan eerst het gesprek."))
    if timezone.localdate(application.conversation_at) > timezone.localdate():
        raise ValidationError(
            _("Het verslag kan pas op of na de dag van het gesprek (%(date)s).")
            % {"date": moment(timezone.localdate(application.conversation_at))}
        )
    if not successes.strip() or not next_steps.strip():
        raise ValidationError(_("Beschrijf in elk geval de successen en de volgende stappen."))
    application.report_successes = successes
    application.report_development = development
    application.report_cooperation = cooperation
    application.report_next_steps = next_steps
    application.status = Status.DECISION
    application.save()
    _log(application, "conversation_reported", user)
    return application


def _finish(application, user):
    if application.proposed_outcome == Status.CERTIFIED:
        application.status = Status.CERTIFIED
        application.save()
        certificate = Certificate.objects.create(
            unit=application.unit, application=application, valid_until=application.valid_until
        )

        enqueue(make_certificate_pdf, certificate.pk)
    else:
        application.status = Status.NOT_YET
        application.save()
    _announce(_log(application, "decided", user, outcome=application.status))


@transaction.atomic
def application_decide(
    *,
    application,
    user,
    certified: bool,
    remarks: str = "",
    valid_until: datetime.date | None = None,
    second_auditor=None,
) -> Application:
    _require_auditor(user, application)
    _require_status(application, Status.DECISION)
    if certified:
        valid_until = valid_until or timezone.localdate().replace(
            year=timezone.localdate().year + DEFAULT_VALIDITY_YEARS
        )
        if valid_until <= timezone.localdate():
            raise ValidationError(_("'Geldig tot' moet in de toekomst liggen."))
    elif not remarks.strip():
        raise ValidationError(_("Noem de ontwikkelpunten waarmee de school verder kan."))
    if second_auditor is not None and (
        second_auditor.pk == user.pk or not may_audit_unit(second_auditor, application.unit)
    ):
        raise ValidationError(_("Kies een andere auditor, die niet bij de school hoort."))
    application.proposed_outcome = Status.CERTIFIED if certified else Status.NOT_YET
    application.valid_until = valid_until if certified else None
    application.decision_remarks = remarks
    application.decided_by = user
    application.decided_at = timezone.now()
    application.second_auditor = second_auditor
    if second_auditor is not None:
        application.status = Status.SECOND_OPINION
        application.save()
        _log(application, "decision_proposed", user, outcome=application.proposed_outcome)
        return application
    _finish(application, user)
    return application


@transaction.atomic
def application_second_approve(*, application, user) -> Application:
    _require_auditor(user, application)
    _require_status(application, Status.SECOND_OPINION)
    if user.pk != application.second_auditor_id:
        raise PermissionDenied
    application.second_approved_at = timezone.now()
    _finish(application, user)
    return application


# --- certificate -------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, certificate, user, reason: str) -> Certificate:
    if not has_perm(user, "glans_certification.revoke", certificate.unit):
        raise PermissionDenied
    if certificate.revoked_at is not None:
        raise ValidationError(_("Dit certificaat is al ingetrokken."))
    if not reason.strip():
        raise ValidationError(_("Geef de reden van de intrekking."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = user
    certificate.save()
    _announce(_log(certificate.application, "revoked", user, reason=reason))
    return certificate


@transaction.atomic
def certificate_register(*, certificate, user, listed: bool) -> Certificate:
    if not writes_handbook_of(user, certificate.unit):
        raise PermissionDenied
    certificate.in_register = listed
    certificate.save(update_fields=["in_register"])
    _log(certificate.application, "register", user, listed=listed)
    return certificate


# --- the yearly check-in -----------------------------------------------------------------


@transaction.atomic
def checkin_confirm(*, certificate, user, remarks: str = "", today=None) -> CheckIn:
    """The school confirms this year's check-in: the handbook of the current school year is
    published (strengthened), and the live measurement figures are recorded. Figures below
    target need a few words on how the school works on them."""
    if not writes_handbook_of(user, certificate.unit):
        raise PermissionDenied
    state = lifecycle.certificate_state(certificate, today=today)
    if state["state"] in ("revoked", "expired"):
        raise ValidationError(_("Dit certificaat is niet meer geldig; een check-in kan niet."))
    due = lifecycle.current_checkin_due(certificate, today=today)
    if due is None:
        raise ValidationError(_("De jaarlijkse check-in staat nog niet open."))
    if CheckIn.objects.filter(certificate=certificate, due_on=due).exists():
        raise ValidationError(_("De check-in van dit jaar is al gedaan. Dank jullie wel!"))
    year = selectors.current_year()
    handbook = selectors.handbook_for(unit=certificate.unit, school_year=year) if year else None
    if handbook is None or not handbook.live:
        raise ValidationError(
            _(
                "Publiceer eerst het versterkte handboek van dit schooljaar; daarmee laten "
                "jullie zien hoe de Glans-techniek verder groeit."
            )
        )
    checks = selectors.prechecks(unit=certificate.unit, school_year=year)
    measurement = [row for row in checks if row["criterion"].evidence_type == "measurement"]
    on_target = all(row["met"] for row in measurement)
    if not on_target and not remarks.strip():
        raise ValidationError(
            _(
                "De metingen halen het doel nog niet. Beschrijf kort hoe jullie daaraan "
                "werken; de auditor denkt graag mee."
            )
        )
    checkin = CheckIn.objects.create(
        certificate=certificate,
        due_on=due,
        handbook=handbook,
        revision_id=handbook.live_revision_id,
        figures={
            "on_target": on_target,
            "measurement": [
                {"code": r["criterion"].code, "met": r["met"], "evidence": str(r["evidence"])}
                for r in measurement
            ],
        },
        remarks=remarks,
        confirmed_by=user,
    )
    _log(certificate.application, "checkin", user, due_on=due.isoformat(), on_target=on_target)
    return checkin


@transaction.atomic
def checkin_accept(*, checkin, user, remarks: str = "") -> CheckIn:
    if not may_audit_unit(user, checkin.certificate.unit):
        raise PermissionDenied
    if checkin.accepted_at is not None:
        raise ValidationError(_("Deze check-in is al bekeken."))
    checkin.accepted_by = user
    checkin.accepted_at = timezone.now()
    checkin.accepted_remarks = remarks
    checkin.save()
    _log(checkin.certificate.application, "checkin_accepted", user)
    return checkin


# --- comments and attachments (the school's own work on the handbook) ---------------------

ATTACHMENT_EXTENSIONS = {".pdf", ".docx", ".odt", ".xlsx", ".ods", ".pptx", ".png", ".jpg"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def _section_criterion(handbook, criterion_id):
    criterion = handbook.criterion_set.criteria.filter(pk=criterion_id).first()
    if criterion is None:
        raise ValidationError(_("Kies een hoofdstuk van dit handboek."))
    return criterion


@transaction.atomic
def comment_add(*, handbook, user, criterion_id, body: str) -> HandbookComment:
    if not in_handbook_team(user, handbook.unit):
        raise PermissionDenied
    criterion = _section_criterion(handbook, criterion_id)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Schrijf eerst je opmerking."))
    if len(body) > 4000:
        raise ValidationError(_("Houd de opmerking korter dan 4000 tekens."))
    return HandbookComment.objects.create(
        handbook=handbook, criterion=criterion, author=user, body=body
    )


@transaction.atomic
def attachment_add(*, handbook, user, criterion_id, title: str, upload) -> HandbookAttachment:
    if not writes_handbook_of(user, handbook.unit):
        raise PermissionDenied
    criterion = _section_criterion(handbook, criterion_id)
    if upload is None:
        raise ValidationError(_("Kies een bestand."))
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            _("Dit soort bestand kan niet als bijlage. Dat kan wel: %(types)s.")
            % {"types": ", ".join(sorted(e.lstrip(".") for e in ATTACHMENT_EXTENSIONS))}
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("Een bijlage mag hoogstens 10 MB zijn."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    title = (title or "").strip()[:200] or os.path.basename(upload.name)[:200]
    return HandbookAttachment.objects.create(
        handbook=handbook,
        criterion=criterion,
        title=title,
        file=upload,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )


@transaction.atomic
def attachment_remove(*, attachment, user) -> HandbookAttachment:
    """Hide an attachment from the handbook. The file stays: a dossier may list it."""
    if not writes_handbook_of(user, attachment.handbook.unit):
        raise PermissionDenied
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
    return attachment
