"""Reads of face-to-face sessions: which a user may see and which they manage."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from glans_learning.organisations.models import Membership

# Who may see, register for and manage which session is authorization: it lives in
# courses/permissions.py; re-exported here, where the readers have always found it.
from ..permissions import (  # noqa: F401
    session_visibility,
    sessions_managed_by,
    sessions_open_to,
    sessions_visible_to,
)
from . import raw


def programme_sessions(*, user, programme) -> list:
    """All sessions of a programme the user may see, oldest first (one query, read on every
    programme page view: raw SQL with the rule of `sessions_visible_to`)."""
    visibility = session_visibility(user)
    if visibility is None:
        return []
    if visibility.all:
        return raw.programme_sessions(programme_id=programme.pk, user_id=None, unit_ids=[])
    return raw.programme_sessions(
        programme_id=programme.pk, user_id=user.pk, unit_ids=visibility.unit_ids
    )


def upcoming(sessions, limit=10) -> list:
    now = timezone.now()
    return [s for s in sessions if s.ends_at >= now][:limit]


def upcoming_sessions_for_programme(*, programme, user):
    qs = sessions_visible_to(user).filter(programme=programme, ends_at__gte=timezone.now())
    return list(qs.select_related("unit").order_by("starts_at")[:10])


def programme_sessions_for(*, user, programme):
    return sessions_visible_to(user).filter(programme=programme)


def team_roster(*, session) -> list[dict]:
    """Who belongs on a team session's attendance list: every current member of its unit (also
    those who did not register) and anyone else registered, with their registration or None;
    sorted by name. Two queries."""
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
