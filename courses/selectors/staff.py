"""'Wie mist er nog?': every staff member of a unit with where they stand in a programme —
not activated, not enrolled, busy (x%) or done — using the one definition of progress (the
team matrix, which uses the learner's own rules)."""

from __future__ import annotations

from django.utils import timezone

from glans_learning.core.invitations import last_invitations, needs_activation
from glans_learning.core.notifications import notification_key, sent_keys
from glans_learning.organisations.models import Membership

from ..models import LessonStatus
from .team import team_progress

NOT_ACTIVATED, NOT_ENROLLED = "not_activated", "not_enrolled"
REMINDER_KIND = "director"


def reminder_key(*, programme_id: int, day=None) -> str:
    """One director's reminder per person, programme and day (the event part of the
    notification key, see ``director_reminder_key``)."""
    return f"{programme_id}:{(day or timezone.localdate()).isoformat()}"


def director_reminder_key(*, user_id: int, key: str) -> str:
    """The once-only notification key of a director's reminder to one person."""
    return notification_key("courses", REMINDER_KIND, user_id, key)


def unit_staff_status(*, unit, programme) -> dict:
    """All current members of the unit with their status, latest invitation and whether a
    reminder went out today. A fixed number of queries."""
    members = {}
    for membership in (
        Membership.objects.current().filter(unit=unit).select_related("user").order_by("pk")
    ):
        members.setdefault(membership.user_id, membership.user)
    matrix = team_progress(unit=unit, programme=programme)
    progress = {row["user"].pk: row for row in matrix["rows"]}
    invited = last_invitations(user_ids=members)
    today_key = reminder_key(programme_id=programme.pk)
    keys = {director_reminder_key(user_id=pk, key=today_key): pk for pk in members}
    reminded = {keys[key] for key in sent_keys(keys)}
    rows = []
    for user in sorted(
        members.values(), key=lambda u: (u.last_name.lower(), u.first_name.lower(), u.username)
    ):
        row = progress.get(user.pk)
        if needs_activation(user):
            status = NOT_ACTIVATED
        elif row is None:
            status = NOT_ENROLLED
        else:
            status = row["status"]
        rows.append(
            {
                "user": user,
                "status": status,
                "percent": row["percent"] if row else None,
                "open": row["open"] if row else [],
                "enrolled": row is not None,
                "invitation": invited.get(user.pk),
                "reminded_today": user.pk in reminded,
            }
        )
    counts = {
        key: sum(1 for r in rows if r["status"] == key)
        for key in (
            NOT_ACTIVATED,
            NOT_ENROLLED,
            LessonStatus.NOT_STARTED,
            LessonStatus.IN_PROGRESS,
            LessonStatus.COMPLETED,
        )
    }
    return {"rows": rows, "counts": counts, "total": len(rows)}
