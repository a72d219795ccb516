"""Team-session mode (services): a team lead plans a team session for their own school from a
module's trainer guide, invites the whole team (an e-mail with an .ics per staff member, once)
and records the attendance of the whole team in the room. Every write goes through the
session services (session_plan, registration_manage) and their rules."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from glans_learning.core.tasks import enqueue
from glans_learning.organisations import permissions
from glans_learning.organisations.models import SchoolYear

from . import selectors, services
from .models import Attendance, LearnerPreference, LessonPage, Session
from .selectors.guides import guide_place
from .tasks import send_team_invitations

MAX_MINUTES = 8 * 60


@transaction.atomic
def team_session_plan(
    *,
    by,
    unit,
    guide: LessonPage,
    starts_at: datetime,
    minutes: int,
    location: str,
    title: str = "",
) -> Session:
    """Plan a team session of `unit` given with `guide`. Only a team lead of that unit."""
    if unit is None or not permissions.may_plan_team_session(by, unit):
        raise PermissionDenied
    if not guide.is_trainer_guide or not guide.live:
        raise ValidationError(_("Kies een trainershandleiding."))
    if not 15 <= minutes <= MAX_MINUTES:
        raise ValidationError({"minutes": _("Kies een duur tussen 15 minuten en 8 uur.")})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("Kies een moment in de toekomst.")})
    programme, module = guide_place(guide)
    if programme is None:
        raise ValidationError(_("Deze handleiding hoort niet bij een leerprogramma."))
    session = Session(
        programme=programme,
        unit=unit,
        kind=Session.Kind.TEAM,
        title=(
            title
            or _("Teambijeenkomst: %(module)s")
            % {"module": module.title if module else guide.title}
        )[:200],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        location=location.strip(),
        school_year=SchoolYear.current(),
        guide=guide,
    )
    session = services.session_plan(by=by, session=session)
    session.trainers.add(by)
    if module is not None:
        session.modules.add(module)
    return session


def _team_session_of(by, session) -> Session:
    if (
        session.kind != Session.Kind.TEAM
        or session.unit_id is None
        or not selectors.sessions_managed_by(by).filter(pk=session.pk).exists()
    ):
        raise PermissionDenied
    return session


def team_invite(*, by, session: Session) -> None:
    """Invite every current member of the session's unit by e-mail with an .ics. Idempotent:
    inviting again only mails who was not invited yet (e.g. new staff)."""
    _team_session_of(by, session)
    if session.ends_at < timezone.now():
        raise ValidationError(_("Deze bijeenkomst is al voorbij."))
    enqueue(send_team_invitations, session.pk)


def team_attendance_record(*, by, session: Session, marks: dict[int, str]) -> int:
    """Record the attendance of team members: {user id: attendance}. Everyone on the roster may
    be marked, also who did not register (they are registered now, without a confirmation
    mail). All or nothing: every mark is checked against the attendance rules first. Returns
    the number of changes."""
    _team_session_of(by, session)
    roster = {row["user"].pk: row for row in selectors.team_roster(session=session)}
    changes = []
    errors = []
    for user_id, value in marks.items():
        row = roster.get(user_id)
        if row is None:
            raise ValidationError(_("Deze persoon hoort niet bij dit team."))
        current = row["registration"].attendance if row["registration"] else Attendance.UNKNOWN
        if value == current:
            continue
        try:
            services.attendance_check(by=by, session=session, user_id=user_id, attendance=value)
        except ValidationError as exc:
            user = row["user"]
            errors.append(
                f"{user.get_full_name() or user.get_username()}: {' '.join(exc.messages)}"
            )
        else:
            changes.append((row["user"], value))
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    with transaction.atomic():
        for user, value in changes:
            services.registration_manage(
                by=by, session=session, user=user, attendance=value, confirm=False
            )
    return len(changes)


def team_everyone_present(*, by, session: Session) -> int:
    """Mark every team member whose attendance is not recorded yet as present (not the one
    recording: nobody records their own attendance)."""
    _team_session_of(by, session)
    marks = {
        row["user"].pk: Attendance.PRESENT
        for row in selectors.team_roster(session=session)
        if row["user"].pk != by.pk
        and (row["registration"] is None or row["registration"].attendance == Attendance.UNKNOWN)
    }
    return team_attendance_record(by=by, session=session, marks=marks)


# --- the learner's personal calendar feed ------------------------------------------------


def calendar_feed_reset(*, user) -> str:
    """Give the learner a new secret feed address; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    LearnerPreference.objects.update_or_create(user=user, defaults={"calendar_token": token})
    return token


def calendar_feed_stop(*, user) -> None:
    LearnerPreference.objects.filter(user=user).update(calendar_token="")
