"""Writes for learning (services): answering activities, registering for sessions, recording
attendance. Views, the API, admin and tasks all call these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ActivityResponse, Attendance, LessonPage, Session, SessionRegistration

MAX_ANSWER_LENGTH = 10_000


def _clean_answer(kind: str, block_value, answer: str | None, choice) -> dict:
    if kind in ("reflection", "assignment"):
        text = (answer or "").strip()
        if not text:
            raise ValidationError({"answer": _("Vul een antwoord in.")})
        if len(text) > MAX_ANSWER_LENGTH:
            raise ValidationError({"answer": _("Je antwoord is te lang (maximaal 10.000 tekens).")})
        return {"answer_text": text, "choice": None, "is_correct": None, "score": None}
    if kind == "knowledge_check":
        try:
            index = int(choice)
        except (TypeError, ValueError):
            raise ValidationError({"choice": _("Kies een antwoord.")}) from None
        options = list(block_value["options"])
        if not 0 <= index < len(options):
            raise ValidationError({"choice": _("Dit antwoord bestaat niet.")})
        correct = bool(options[index]["is_correct"])
        return {
            "answer_text": "",
            "choice": index,
            "is_correct": correct,
            "score": 100 if correct else 0,
        }
    raise ValidationError(_("Dit onderdeel heeft geen antwoord."))


def activity_submit(
    *, user, lesson: LessonPage, block_id: str, answer: str | None = None, choice=None
):
    """Save (or update) the learner's answer to one activity. Idempotent per learner and block:
    a repeated request updates the same record and never creates a second one."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    block = lesson.get_activity(block_id)
    if block is None:
        raise ValidationError(_("Deze activiteit bestaat niet in deze les."))
    fields = _clean_answer(block.block_type, block.value, answer, choice)
    for attempt in range(2):
        try:
            with transaction.atomic():
                response, created = ActivityResponse.objects.select_for_update().get_or_create(
                    user=user,
                    lesson=lesson,
                    block_id=block_id,
                    defaults={"kind": block.block_type, "attempts": 1, **fields},
                )
                if not created:
                    for name, value in fields.items():
                        setattr(response, name, value)
                    response.kind = block.block_type
                    response.attempts = F("attempts") + 1
                    response.save()
                    response.refresh_from_db()
            break
        except IntegrityError:
            if attempt:
                raise
    _after_activity(user=user, lesson=lesson)
    return response


def _after_activity(*, user, lesson) -> None:
    """Hook for progress tracking (see courses.progress)."""
    from . import signals

    signals.activity_answered.send(sender=LessonPage, user=user, lesson=lesson)


def session_register(*, user, session: Session) -> SessionRegistration:
    """Register a learner for a session (idempotent)."""
    from .selectors import sessions_visible_to

    if not sessions_visible_to(user).filter(pk=session.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        existing = SessionRegistration.objects.filter(session=locked, user=user).first()
        if existing is not None:
            return existing
        if locked.ends_at < timezone.now():
            raise ValidationError(_("Deze bijeenkomst is al voorbij."))
        if locked.capacity is not None and locked.registrations.count() >= locked.capacity:
            raise ValidationError(_("Deze bijeenkomst is vol."))
        registration = SessionRegistration.objects.create(session=locked, user=user)
        from .tasks import send_session_confirmation

        transaction.on_commit(lambda: send_session_confirmation.delay(registration.pk))
        return registration


def session_unregister(*, user, session: Session) -> bool:
    deleted, _details = SessionRegistration.objects.filter(
        session=session, user=user, attendance=Attendance.UNKNOWN
    ).delete()
    return bool(deleted)


def attendance_record(
    *, by, session: Session, user_id: int, attendance: str, note: str = ""
) -> SessionRegistration:
    """Record attendance for one participant. Only the session's trainers, team leads of its
    unit and academy trainers may do this."""
    from .selectors import sessions_managed_by

    if not sessions_managed_by(by).filter(pk=session.pk).exists():
        raise PermissionDenied
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": _("Kies een geldige aanwezigheid.")})
    registration = SessionRegistration.objects.filter(session=session, user_id=user_id).first()
    if registration is None:
        raise ValidationError(_("Deze persoon is niet aangemeld voor deze bijeenkomst."))
    registration.attendance = attendance
    registration.attendance_note = note[:250]
    registration.recorded_by = by
    registration.recorded_at = timezone.now()
    registration.save(update_fields=["attendance", "attendance_note", "recorded_by", "recorded_at"])
    return registration
