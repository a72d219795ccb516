"""Writes: ledger entries (exactly once per source event), corrections, certificates and
learning records. Tasks, views, admin and commands all call these."""

import secrets
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from glans_learning.courses.models import (
    ModuleCompletion,
    ProgrammeAccreditation,
    ProgrammeCompletion,
    Register,
    SessionRegistration,
)
from glans_learning.organisations import permissions

from . import badges, pdf, xapi
from .models import Accreditation, Certificate, LearningRecord, PointsEntry, Source


def _create_once(model, *, key: dict, defaults: dict):
    """get_or_create that is safe under races: the unique key decides, the loser reads."""
    found = model.objects.filter(**key).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return model.objects.create(**key, **defaults), True
    except IntegrityError:
        return model.objects.get(**key), False


def _accreditations(*, day, **target):
    """(register, value, accreditation id, theme) per register for a target on a day: this
    app's accreditations first, then the programme's own register points (no window)."""
    found = {}
    for acc in Accreditation.objects.filter(**target).select_related("register"):
        if acc.applies_on(day) and acc.register.is_active:
            found.setdefault(
                acc.register_id, (acc.register, acc.value, acc.accreditation_id, acc.theme)
            )
    if "programme" in target:
        for acc in ProgrammeAccreditation.objects.filter(page=target["programme"]).select_related(
            "register"
        ):
            if acc.register.is_active:
                found.setdefault(
                    acc.register_id, (acc.register, acc.points, acc.accreditation_id, "")
                )
    return list(found.values())


def ledger_record(*, user, source_type: str, source_id, day, description: str, target: dict):
    """Entries for one achievement, one per register; running it again changes nothing."""
    entries = []
    for register, value, accreditation_id, theme in _accreditations(day=day, **target):
        entry, _created = _create_once(
            PointsEntry,
            key={
                "register": register,
                "user": user,
                "source_type": source_type,
                "source_id": str(source_id),
            },
            defaults={
                "amount": value,
                "earned_on": day,
                "description": description[:300],
                "accreditation_id": accreditation_id,
                "theme": theme,
            },
        )
        entries.append(entry)
    return entries


def ledger_record_programme(*, completion: ProgrammeCompletion):
    return ledger_record(
        user=completion.user,
        source_type=Source.PROGRAMME,
        source_id=completion.programme_id,
        day=timezone.localdate(completion.completed_at),
        description=completion.programme.title,
        target={"programme": completion.programme},
    )


def ledger_record_module(*, completion: ModuleCompletion):
    return ledger_record(
        user=completion.user,
        source_type=Source.MODULE,
        source_id=completion.module_id,
        day=timezone.localdate(completion.completed_at),
        description=completion.module.title,
        target={"module": completion.module},
    )


def ledger_record_attendance(*, registration: SessionRegistration):
    if not registration.attended:
        return []
    session = registration.session
    return ledger_record(
        user=registration.user,
        source_type=Source.SESSION,
        source_id=session.pk,
        day=timezone.localdate(session.starts_at),
        description=session.title,
        target={"session": session},
    )


def points_correct(*, by, register: Register, user, amount, reason: str, day=None) -> PointsEntry:
    """A correction by a platform admin: a new entry with its reason (never an edit or a
    deletion), logged in the audit log."""
    if not permissions.is_platform_admin(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Geef een reden voor de correctie."))
    try:
        amount = Decimal(str(amount))
    except ArithmeticError as exc:
        raise ValidationError(_("Geef een getal op.")) from exc
    if amount == 0 or abs(amount) >= Decimal("100000"):
        raise ValidationError(_("Geef een getal op."))
    entry = PointsEntry.objects.create(
        register=register,
        user=user,
        source_type=Source.CORRECTION,
        source_id=uuid.uuid4().hex,
        amount=amount,
        earned_on=day or timezone.localdate(),
        description=_("Correctie"),
        reason=reason,
        created_by=by,
    )

    log(instance=entry, action="wagtail.create", user=by, data={"reason": reason})
    return entry


# --- certificates ------------------------------------------------------------------------


def _value_text(completion) -> str:
    parts = []
    for register, value, _accreditation_id, _theme in _accreditations(
        day=timezone.localdate(completion.completed_at), programme=completion.programme
    ):
        unit = register.get_unit_display()
        parts.append(f"{value.normalize():f} {unit} {register.name}".strip())
    return "; ".join(parts)


def _learner_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _certificate_once(completion: ProgrammeCompletion) -> Certificate:
    """The one certificate of (learner, programme). Two unique keys can collide under a race:
    (user, programme) means another run made it (read it); the status index means another
    certificate took that index at the same moment (take the next one)."""
    key = {"user": completion.user, "programme_key": completion.programme_id}
    for _attempt in range(10):
        found = Certificate.objects.filter(**key).first()
        if found is not None:
            return found
        next_index = (Certificate.objects.aggregate(m=Max("status_index"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    **key,
                    programme=completion.programme,
                    programme_title=completion.programme.title,
                    learner_name=_learner_name(completion.user),
                    value_text=_value_text(completion),
                    completed_on=timezone.localdate(completion.completed_at),
                    code=secrets.token_hex(8).upper(),
                    status_index=next_index,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a certificate status index")


def certificate_issue(*, completion: ProgrammeCompletion) -> Certificate:
    """The certificate for a completed programme, made once; its PDF and credential are
    (re)made only while missing, so issuing again changes nothing."""
    certificate = _certificate_once(completion)
    # Written only while empty: a concurrent run never replaces what the other stored.
    if not certificate.credential_jwt:
        Certificate.objects.filter(pk=certificate.pk, credential_jwt="").update(
            credential_jwt=badges.credential_jwt(certificate)
        )
    certificate.refresh_from_db()
    return certificate_pdf_ensure(certificate=certificate)


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """Make the certificate's PDF while it is missing. A storage error (a full disk) raises
    and records nothing: the PDF stays missing until a later run (task retry, the download)
    makes it."""
    if not certificate.pdf:
        Certificate.objects.filter(pk=certificate.pk, pdf__isnull=True).update(
            pdf=pdf.certificate_pdf(certificate)
        )
        certificate.refresh_from_db()
    return certificate


def certificate_revoke(*, by, certificate: Certificate, reason: str) -> Certificate:
    if not permissions.is_platform_admin(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Geef een reden voor het intrekken."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is None:
            certificate.revoked_at = timezone.now()
            certificate.revocation_reason = reason
            certificate.revoked_by = by
            certificate.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
    return certificate


# --- learning records ----------------------------------------------------------------------


def record_statement(*, user, verb: str, event_key: str, statement: dict) -> LearningRecord:
    """Keep one xAPI statement per source event (uuid5 of `event_key`)."""
    statement_id = xapi.statement_id(event_key)
    record, _created = _create_once(
        LearningRecord,
        key={"id": statement_id},
        defaults={"user": user, "verb": verb, "statement": xapi.serialise(statement_id, statement)},
    )
    return record


def statement_record(
    *, user, verb: str, event_key: str, kind: str, object_id, name: str, when, result=None
) -> LearningRecord:
    """The one builder of the learning records: an xAPI statement that `user` did `verb` to
    an object of `kind` (its id and display name) at `when`, kept once per `event_key`."""
    statement = xapi.statement(
        user=user,
        verb=verb,
        kind=kind,
        object_id=object_id,
        name=name,
        when=when,
        result=result,
    )
    return record_statement(user=user, verb=verb, event_key=event_key, statement=statement)
