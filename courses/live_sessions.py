"""A session run from the projector (issue #25). The presenter view shows a short-lived code
and its QR; colleagues open it on their phone, say they are there and answer the session's
calibration cases anonymously; the spread appears on the projector. Attendance is recorded
only when the trainer confirms, through the attendance rules (services.registration_manage
→ attendance_check): nobody certifies their own presence."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from glans_learning.content.trainer_kit import read_trainer_kit

from . import selectors, services
from .models import Attendance, CalibrationAnswer, LiveCheckIn, LiveCode, Session

CODE_HOURS = 4
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
ANSWERS = (
    ("positive", gettext_lazy("glanst")),
    ("neutral", gettext_lazy("neutraal")),
    ("negative", gettext_lazy("dof")),
)


def calibration_cases(session: Session) -> list[dict]:
    """The calibration cases of the session's trainer guide (its "Kalibratiecases" list)."""
    if session.guide_id is None:
        return []
    guide = session.guide
    kit = read_trainer_kit(title=guide.title, body=guide.body)
    return [
        {"number": number, "html": card.html}
        for number, card in enumerate(kit.cards.get("calibration", []), start=1)
    ]


def _managed(by, session) -> None:
    if not selectors.sessions_managed_by(by).filter(pk=session.pk).exists():
        raise PermissionDenied


def live_code_start(*, by, session: Session, now=None) -> LiveCode:
    """The code for the projector: the valid one, or a new one."""
    _managed(by, session)
    now = now or timezone.now()
    current = session.live_codes.filter(expires_at__gt=now).order_by("-expires_at").first()
    if current:
        return current
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        try:
            with transaction.atomic():
                return LiveCode.objects.create(
                    session=session, code=code, expires_at=now + timedelta(hours=CODE_HOURS)
                )
        except IntegrityError:
            continue
    raise ValidationError(_("Er kon geen code worden gemaakt; probeer het opnieuw."))


def live_session_for(code: str, *, now=None) -> Session:
    now = now or timezone.now()
    live = (
        LiveCode.objects.select_related("session", "session__guide")
        .filter(code=code.strip().upper(), expires_at__gt=now)
        .first()
    )
    if live is None:
        raise ValidationError(_("Deze code is onbekend of verlopen."))
    return live.session


def _may_join(user, session) -> bool:
    return any(row["user"].pk == user.pk for row in selectors.team_roster(session=session))


def live_checkin(*, user, code: str) -> LiveCheckIn:
    """ "Ik ben er": a colleague of the session's team (or someone registered) checks in. It
    is not attendance until the trainer confirms."""
    session = live_session_for(code)
    if not _may_join(user, session):
        raise ValidationError(_("Je staat niet op de lijst van deze bijeenkomst."))
    checkin, _created = LiveCheckIn.objects.get_or_create(session=session, user=user)
    return checkin


@transaction.atomic
def calibration_answer(*, user, code: str, case: int, value: str) -> None:
    """An anonymous answer: the value is stored without the person; only *that* the person
    answered this case is kept with their check-in, so nobody answers twice."""
    session = live_session_for(code)
    checkin = LiveCheckIn.objects.select_for_update().filter(session=session, user=user).first()
    if checkin is None:
        raise ValidationError(_("Meld eerst dat je er bent."))
    numbers = {c["number"] for c in calibration_cases(session)}
    if case not in numbers or value not in dict(ANSWERS):
        raise ValidationError(_("Kies glanst, neutraal of dof bij een case van deze bijeenkomst."))
    if case in checkin.answered:
        raise ValidationError(_("Deze case heb je al beantwoord."))
    checkin.answered = sorted([*checkin.answered, case])
    checkin.save(update_fields=["answered"])
    CalibrationAnswer.objects.create(session=session, case=case, value=value)


def live_confirm(*, by, session: Session, user_ids: list[int]) -> int:
    """The trainer confirms who checked in: attendance "present" through the attendance
    rules (managers only, never oneself, from the start). All or nothing."""
    _managed(by, session)
    checkins = {
        c.user_id: c
        for c in LiveCheckIn.objects.filter(session=session, user_id__in=user_ids).select_related(
            "user"
        )
    }
    if set(user_ids) - set(checkins):
        raise ValidationError(_("Deze persoon heeft zich niet aangemeld met de code."))
    with transaction.atomic():
        for checkin in checkins.values():
            services.registration_manage(
                by=by,
                session=session,
                user=checkin.user,
                attendance=Attendance.PRESENT,
                confirm=False,
            )
            checkin.confirmed_at = timezone.now()
            checkin.save(update_fields=["confirmed_at"])
    return len(checkins)


def live_state(*, session: Session) -> dict:
    """For the projector: how many said they are there, and the spread per case (counts)."""

    counts: dict[int, dict[str, int]] = {}
    for row in (
        CalibrationAnswer.objects.filter(session=session)
        .values("case", "value")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["case"], {})[row["value"]] = row["n"]
    return {
        "checked_in": session.live_checkins.count(),
        "confirmed": session.live_checkins.filter(confirmed_at__isnull=False).count(),
        "cases": [
            {
                "number": case["number"],
                "answers": [
                    {
                        "value": value,
                        "label": str(label),
                        "n": counts.get(case["number"], {}).get(value, 0),
                    }
                    for value, label in ANSWERS
                ],
            }
            for case in calibration_cases(session)
        ],
    }
