"""Reads for the teacher's everyday practice with the oudervolgsysteem: from a dull rating
to practice (lessons of the course material), the 3-op-1 week of appreciative messages and
the turnarounds of the past year. Split from selectors.py by concept; selectors re-exports
them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from wagtail import hooks

from glans_learning.organisations.permissions import member_unit_ids

from . import permissions
from .models import (
    AppreciationPreference,
    AppreciationTick,
    AppreciationWeek,
    Rating,
    RatingValue,
    Relationship,
)

# From dof to practice: which lessons of the loaded course material the grid offers next to a
# dull rating. Found by data — the lesson step by its slug, the conversation exercises by
# their exercise type — never by page id. Settings may name other slugs or types.
PRACTICE_STEP_SLUGS_DEFAULT = ("van-dof-naar-glans",)
PRACTICE_EXERCISE_TYPES_DEFAULT = ("glans-conversation",)


# Courses sits above measurement: the lessons come from the course app through this hook
# (registered in courses/wagtail_hooks.py), a function (slugs, types) -> (steps, exercises).
PRACTICE_LESSONS_HOOK = "glans_practice_lessons"


def practice_lessons() -> list[dict]:
    """The live lessons to rehearse a conversation with a dull relationship: first the lesson
    step(s) "van dof naar glans", then the lessons holding a conversation exercise. Trainer
    guides are left out. Each: slug, title, url, kind ("step" or "exercise")."""

    slugs = tuple(getattr(settings, "GLANS_PRACTICE_STEP_SLUGS", PRACTICE_STEP_SLUGS_DEFAULT))
    types = set(getattr(settings, "GLANS_PRACTICE_EXERCISE_TYPES", PRACTICE_EXERCISE_TYPES_DEFAULT))
    steps, exercises = [], []
    for finder in hooks.get_hooks(PRACTICE_LESSONS_HOOK):
        found_steps, found_exercises = finder(slugs=slugs, types=types)
        steps += found_steps
        exercises += found_exercises
    return [{**s, "kind": "step"} for s in steps] + [{**e, "kind": "exercise"} for e in exercises]


# The 3-op-1 week (issue #25) ------------------------------------------------------------
APPRECIATION_GOAL = 2  # appreciative messages a week


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def neutral_relationships(*, user, today=None) -> list[Relationship]:
    """The active relationships of `user`'s own groups whose latest rating is neutraal."""
    today = today or timezone.localdate()
    group_ids = permissions.teacher_group_ids(user)
    if not group_ids:
        return []
    latest: dict[int, Rating] = {}
    for rating in (
        Rating.objects.filter(
            relationship__group_id__in=group_ids,
            relationship__is_active=True,
            moment__opens_on__lte=today,
        )
        .select_related("relationship__family", "relationship__group")
        .order_by("relationship_id", "-moment__date")
    ):
        latest.setdefault(rating.relationship_id, rating)
    return sorted(
        (r.relationship for r in latest.values() if r.value == RatingValue.NEUTRAL),
        key=lambda rel: (rel.group.name, rel.family.code),
    )


def appreciation_week(*, user, today=None, opted_in_only=False) -> dict | None:
    """The teacher's own 3-op-1 week: opt-in, the families rated neutraal, this week's ticks
    and the streak (consecutive weeks with the goal met, up to this or last week). Only ever
    for `user` themselves. With `opted_in_only`, None (and no further reads) for a teacher
    who has not opted in."""

    today = today or timezone.localdate()
    monday = week_start(today)
    preference = AppreciationPreference.objects.filter(user=user).first()
    channel = preference.channel if preference else ""
    if opted_in_only and not channel:
        return None
    counts = {
        row["week__week"]: row["n"]
        for row in AppreciationTick.objects.filter(week__teacher=user)
        .values("week__week")
        .annotate(n=Count("pk"))
    }
    ticked = set(
        AppreciationTick.objects.filter(week__teacher=user, week__week=monday).values_list(
            "relationship_id", flat=True
        )
    )
    streak = 0
    day = monday if counts.get(monday, 0) >= APPRECIATION_GOAL else monday - datetime.timedelta(7)
    while counts.get(day, 0) >= APPRECIATION_GOAL:
        streak += 1
        day -= datetime.timedelta(days=7)
    return {
        "channel": channel,
        "week": monday,
        "nudged": AppreciationWeek.objects.filter(teacher=user, week=monday).exists(),
        "families": neutral_relationships(user=user, today=today),
        "ticked": ticked,
        "done": len(ticked),
        "goal": APPRECIATION_GOAL,
        "streak": streak,
    }


# Turnarounds, quietly celebrated (issue #25) ---------------------------------------------
TURNAROUND_WINDOW_DAYS = (300, 430)  # "a year ago": the moments 10 to 14 months back


def turnarounds(*, user, today=None) -> list[dict]:
    """Families `user` rated dof about a year ago that glanst now (their latest rating, by
    whoever). Only the ratings `user` made themselves are read, so only they see them,
    with the note they wrote then. By family code only; never in any aggregate."""

    today = today or timezone.localdate()
    nearest, farthest = TURNAROUND_WINDOW_DAYS
    units = member_unit_ids(user)  # only while still a member of the school
    if not units:
        return []
    then = list(
        Rating.objects.filter(
            rated_by=user,
            relationship__unit_id__in=units,
            value=RatingValue.NEGATIVE,
            moment__date__gte=today - datetime.timedelta(days=farthest),
            moment__date__lte=today - datetime.timedelta(days=nearest),
        )
        .select_related("relationship__family", "moment")
        .order_by("moment__date")
    )
    if not then:
        return []
    latest: dict[int, Rating] = {}
    for rating in (
        Rating.objects.filter(
            relationship__family_id__in={r.relationship.family_id for r in then},
            moment__opens_on__lte=today,
        )
        .select_related("moment")
        .order_by("relationship__family_id", "-moment__date")
    ):
        latest.setdefault(rating.relationship.family_id, rating)
    result, seen = [], set()
    for old in then:
        family = old.relationship.family
        now = latest.get(family.pk)
        if family.pk in seen or now is None or now.moment.date <= old.moment.date:
            continue
        if now.value == RatingValue.POSITIVE:
            seen.add(family.pk)
            result.append({"code": family.code, "then": old, "now": now})
    return result
