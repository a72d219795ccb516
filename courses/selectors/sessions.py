"""Reads of face-to-face sessions: which a user may see and which they manage."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from glans_learning.organisations import permissions

from ..models import (
    Session,
)


def programme_sessions(*, user, programme) -> list:
    """All sessions of a programme the user may see, oldest first (one query, read on every
    programme page view: raw SQL with the rule of `sessions_visible_to`)."""
    from . import raw

    roles = permissions.user_roles(user)
    if roles.is_academy:
        return raw.programme_sessions(programme_id=programme.pk, user_id=None, unit_ids=[])
    if not getattr(user, "is_authenticated", False):
        return []
    return raw.programme_sessions(
        programme_id=programme.pk, user_id=user.pk, unit_ids=sorted(roles.by_unit)
    )


def upcoming(sessions, limit=10) -> list:
    now = timezone.now()
    return [s for s in sessions if s.ends_at >= now][:limit]


def upcoming_sessions_for_programme(*, programme, user):
    qs = sessions_visible_to(user).filter(programme=programme, ends_at__gte=timezone.now())
    return list(qs.select_related("unit").order_by("starts_at")[:10])


def sessions_visible_to(user):
    """Sessions a user may see: academy-wide ones and those of their own units; academy staff
    see all."""
    roles = permissions.user_roles(user)
    qs = Session.objects.all()
    if roles.is_academy:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(
        Q(unit__isnull=True) | Q(unit_id__in=list(roles.by_unit)) | Q(trainers=user)
    ).distinct()


def sessions_open_to(user):
    """Sessions that are for the user to register for (past ones too; registering refuses
    those as over): team and online sessions they see; TdT meetings only for who leads a
    team (academy-wide ones for any team lead, a school's for its own) and for admins and
    academy trainers; any session they train."""
    qs = sessions_visible_to(user)
    # A school's own team session is for its team: academy staff (auditor, trainer, admin)
    # see it but do not register for it, unless they train it.
    own_units = list(permissions.user_roles(user).by_unit)
    qs = qs.exclude(
        Q(kind=Session.Kind.TEAM, unit__isnull=False)
        & ~Q(unit_id__in=own_units)
        & ~Q(trainers=user)
    )
    lead_units = permissions.tdt_meeting_units(user)
    if lead_units is None:
        return qs.distinct()
    tdt = Q(kind=Session.Kind.TDT) & (Q(unit_id__in=list(lead_units)) | Q(unit__isnull=True))
    if not lead_units:
        tdt = Q(pk__in=[])
    return qs.filter(~Q(kind=Session.Kind.TDT) | tdt | Q(trainers=user)).distinct()


def sessions_managed_by(user):
    """Sessions the user manages (plans, edits, records attendance of): academy trainers and
    admins all; others the sessions they train or planned, and team leads their unit's team
    sessions. A TdT meeting the academy holds at a school is not its participants' to manage."""
    roles = permissions.user_roles(user)
    qs = Session.objects.all()
    if permissions.is_admin_or_academy_trainer(user):
        return qs
    return qs.filter(
        Q(trainers=user)
        | Q(planned_by=user)
        | Q(
            kind=Session.Kind.TEAM,
            unit_id__in=list(roles.units_with(permissions.TEAM_LEAD_ROLES)),
        )
    ).distinct()


def programme_sessions_for(*, user, programme):
    return sessions_visible_to(user).filter(programme=programme)


def team_roster(*, session) -> list[dict]:
    """Who belongs on a team session's attendance list: every current member of its unit (also
    those who did not register) and anyone else registered, with their registration or None;
    sorted by name. Two queries."""
    from django.contrib.auth import get_user_model

    from glans_learning.organisations.models import Membership

    registrations = {r.user_id: r for r in session.registrations.select_related("user")}
    member_ids = set()
    if session.unit_id is not None:
        member_ids = set(
            Membership.objects.current()
            .filter(unit_id=session.unit_id)
            .values_list("user_id", flat=True)
        )
    people = {user.pk: user for user in (r.user for r in registrations.values())}
    missing = member_ids - set(people)
    if missing:
        people.update(
            {u.pk: u for u in get_user_model().objects.filter(pk__in=missing, is_active=True)}
        )
    rows = [{"user": user, "registration": registrations.get(pk)} for pk, user in people.items()]
    rows.sort(key=lambda row: (row["user"].last_name, row["user"].first_name, row["user"].pk))
    return rows
