"""Reads of the oudervolgsysteem. Aggregates come from the database (COUNT … FILTER), in a
fixed number of queries whatever the size of the school, board or nation."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from glans_learning.organisations.models import Group, OrganisationUnit, SchoolYear

from . import permissions
from .models import (
    DEFAULT_TARGETS,
    ImplementationYear,
    Intervisie,
    MeasurementMoment,
    Rating,
    RatingTally,
    RatingValue,
    Relationship,
    SelfCheck,
    Target,
)

RECENT_MOMENTS = 4


def school_year_default(today=None) -> SchoolYear | None:
    return SchoolYear.current(today) or SchoolYear.objects.order_by("-start_date").first()


def _counts():
    dull = Q(value__in=[RatingValue.NEUTRAL, RatingValue.NEGATIVE])
    return {
        "rated": Count("id"),
        "positive": Count("id", filter=Q(value=RatingValue.POSITIVE)),
        "neutral": Count("id", filter=Q(value=RatingValue.NEUTRAL)),
        "negative": Count("id", filter=Q(value=RatingValue.NEGATIVE)),
        "dull_without_step": Count("id", filter=dull & Q(next_step="")),
        "impossible": Count("id", filter=Q(cooperation_impossible=True)),
    }


def live_counts(*, moment_ids, unit_ids) -> dict:
    """The counts of `_counts()` per (moment, group), straight from the ratings of active
    relationships: what the tallies are recounted from (services.tallies_refresh) and
    checked against (`manage.py glans_measurement_tallies --check`)."""
    ratings = Rating.objects.filter(
        moment__in=list(moment_ids),
        # narrowed to the units so PostgreSQL reads relationships through the unit index
        relationship__unit_id__in=list(unit_ids),
        relationship__is_active=True,
    )
    return {
        (r.pop("moment_id"), r.pop("relationship__group_id")): r
        for r in ratings.values("moment_id", "relationship__group_id").annotate(**_counts())
    }


def tallied_counts(*, moment_ids, by_group: bool = False) -> dict:
    """The same counts as `live_counts`, read from the tallies (RatingTally): a few rows per
    group and moment instead of every rating, whatever the size of the nation."""
    tallies = RatingTally.objects.filter(moment_id__in=list(moment_ids)).order_by()
    if by_group:
        return {
            (t["moment_id"], t["group_id"]): t
            for t in tallies.values("moment_id", "group_id", *RatingTally.COUNTS)
        }
    # Summed under other names: an aggregate may not shadow the field it sums.
    sums = tallies.values("moment_id").annotate(**{f"sum_{k}": Sum(k) for k in RatingTally.COUNTS})
    return {t["moment_id"]: {k: t[f"sum_{k}"] for k in RatingTally.COUNTS} for t in sums}


def tally_mismatches(*, unit_ids=None) -> list[tuple[int, int, int]]:
    """(unit id, moment id, group id) of every tally that differs from a recount of the
    ratings, per school year of `unit_ids` (None: the nation); empty when all agree."""
    moments = MeasurementMoment.objects.order_by("unit_id", "pk").values_list("unit_id", "pk")
    if unit_ids is not None:
        moments = moments.filter(unit_id__in=list(unit_ids))
    by_unit: dict[int, list[int]] = {}
    for unit_id, moment_id in moments:
        by_unit.setdefault(unit_id, []).append(moment_id)
    zero = dict.fromkeys(RatingTally.COUNTS, 0)
    out = []
    for unit_id, moment_ids in by_unit.items():
        live = live_counts(moment_ids=moment_ids, unit_ids=[unit_id])
        stored = {
            key: {k: v for k, v in row.items() if k in RatingTally.COUNTS}
            for key, row in tallied_counts(moment_ids=moment_ids, by_group=True).items()
        }
        for key in sorted(set(live) | set(stored)):
            if live.get(key, zero) != stored.get(key, zero):
                out.append((unit_id, *key))
    return out


def targets_for(unit_ids, school_year, *, boards: dict | None = None) -> dict[int, int | None]:
    """Target share (percent) per unit for its implementation year: three queries, two
    when `boards` (unit id → board id) is known."""
    years = dict(
        ImplementationYear.objects.filter(
            unit_id__in=unit_ids, school_year=school_year
        ).values_list("unit_id", "number")
    )
    if boards is None:
        boards = dict(
            OrganisationUnit.objects.filter(pk__in=unit_ids).values_list("pk", "board_id")
        )
    custom = {
        (b, y): s
        for b, y, s in Target.objects.filter(board_id__in=set(boards.values())).values_list(
            "board_id", "implementation_year", "share_positive"
        )
    }
    out = {}
    for unit_id in unit_ids:
        number = years.get(unit_id)
        if number is None:
            out[unit_id] = None
            continue
        out[unit_id] = custom.get((boards.get(unit_id), number), DEFAULT_TARGETS.get(number))
    return out


def _cell(counts: dict | None, relationships: int, *, target, suppress: bool) -> dict:
    counts = counts or dict.fromkeys(_counts(), 0)
    cell = {
        "relationships": relationships,
        "rated": counts["rated"],
        "not_rated": max(relationships - counts["rated"], 0),
        "positive": counts["positive"],
        "neutral": counts["neutral"],
        "negative": counts["negative"],
        "dull_without_step": counts["dull_without_step"],
        "impossible": counts["impossible"],
        "share_positive": round(100 * counts["positive"] / counts["rated"])
        if counts["rated"]
        else None,
        "target": target,
        "suppressed": False,
        "min_cell": permissions.min_cell(),
    }
    # Outside the school a cell is shown only when both the relationships behind it and the
    # ratings in it reach the minimum: "1 rated, 1 negative" at a new moment names a family
    # as surely as a small group does. A cell without any rating says nothing about anyone.
    minimum = permissions.min_cell()
    if suppress and (relationships < minimum or 0 < counts["rated"] < minimum):
        for key in cell:
            if key not in ("target", "suppressed", "min_cell"):
                cell[key] = None
        cell["suppressed"] = True
    return cell


def unit_measurements(*, unit, school_year, group_ids=None, suppress: bool = False) -> dict:
    """Per moment of `unit` in `school_year`: counts and share glanst vs target; the same per
    group for `group_ids` (None: all groups, empty: none). Five queries, flat in size."""
    moments = list(
        MeasurementMoment.objects.filter(unit=unit, school_year=school_year).order_by("date")
    )
    target = targets_for([unit.pk], school_year, boards={unit.pk: unit.board_id})[unit.pk]
    # order_by(): the model's ordering (group name, family code) would join both tables into
    # a count, which at national scale tips PostgreSQL into a parallel plan.
    rels = Relationship.objects.filter(
        unit=unit, school_year=school_year, is_active=True
    ).order_by()
    per_group_rels = dict(
        rels.values("group_id").annotate(n=Count("*")).values_list("group_id", "n")
    )
    total_rels = sum(per_group_rels.values())
    # The counts come from the tallies (RatingTally, kept by every write of a rating), one
    # row per group and moment; the school's totals are their sums.
    moment_ids = [m.pk for m in moments]
    per_cell = tallied_counts(moment_ids=moment_ids, by_group=True)
    per_moment: dict[int, dict] = {}
    for (moment_id, _group_id), counts in per_cell.items():
        total = per_moment.setdefault(moment_id, dict.fromkeys(RatingTally.COUNTS, 0))
        for key in RatingTally.COUNTS:
            total[key] += counts[key]
    result = {
        "unit": unit,
        "school_year": school_year,
        "target": target,
        "moments": [
            {
                "moment": m,
                **_cell(per_moment.get(m.pk), total_rels, target=target, suppress=suppress),
            }
            for m in moments
        ],
        "groups": [],
    }
    if group_ids is not None and not group_ids:
        return result
    groups = Group.objects.filter(pk__in=per_group_rels).order_by("grade", "name")
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    for group in groups:
        n = per_group_rels.get(group.pk, 0)
        result["groups"].append(
            {
                "group": group,
                "relationships": n,
                "moments": [
                    {
                        "moment": m,
                        **_cell(
                            per_cell.get((m.pk, group.pk)), n, target=target, suppress=suppress
                        ),
                    }
                    for m in moments
                ],
            }
        )
    return result


def units_measurements(*, units, school_year, suppress: bool = True) -> list[dict]:
    """Per unit (a board's schools, or all schools for the academy) and per moment: the same
    measures, suppressed outside the school. Five queries, whatever the number of units."""
    units = list(units)
    unit_ids = [u.pk for u in units]
    moments = list(
        MeasurementMoment.objects.filter(unit_id__in=unit_ids, school_year=school_year).order_by(
            "date"
        )
    )
    targets = targets_for(unit_ids, school_year, boards={u.pk: u.board_id for u in units})
    rels = dict(
        Relationship.objects.filter(unit_id__in=unit_ids, school_year=school_year, is_active=True)
        .order_by()  # no joins for the model's ordering (see unit_measurements)
        .values("unit_id")
        .annotate(n=Count("*"))  # COUNT(*): read from the partial index alone
        .values_list("unit_id", "n")
    )
    per_moment = tallied_counts(moment_ids=[m.pk for m in moments])
    by_unit: dict[int, list] = {}
    for m in moments:
        by_unit.setdefault(m.unit_id, []).append(m)
    rows = []
    for unit in units:
        n = rels.get(unit.pk, 0)
        cells = [
            {
                "moment": m,
                **_cell(per_moment.get(m.pk), n, target=targets[unit.pk], suppress=suppress),
            }
            for m in by_unit.get(unit.pk, [])
        ]
        rows.append(
            {
                "unit": unit,
                "relationships": n if not (suppress and n < permissions.min_cell()) else None,
                "target": targets[unit.pk],
                "moments": cells,
                "latest": next((c for c in reversed(cells) if c["rated"]), None),
            }
        )
    return rows


def group_grid(*, group, user, today=None) -> dict:
    """The teacher's grid: families of `group` × recent moments (the open one included)."""
    today = today or timezone.localdate()
    moments = list(
        MeasurementMoment.objects.filter(
            unit_id=group.unit_id, school_year_id=group.school_year_id, opens_on__lte=today
        ).order_by("-date")[:RECENT_MOMENTS]
    )[::-1]
    open_moment = next((m for m in reversed(moments) if m.is_open(today)), None)
    rels = list(
        Relationship.objects.filter(group=group, is_active=True)
        .select_related("family")
        .order_by("label", "family__code")
    )
    ratings = {
        (r.relationship_id, r.moment_id): r
        for r in Rating.objects.filter(relationship__in=rels, moment__in=moments).only(
            "relationship_id", "moment_id", "value", "next_step", "note", "cooperation_impossible"
        )
    }
    show_labels = permissions.can_see_labels(user, group)
    rows = []
    for rel in rels:
        cells = [ratings.get((rel.pk, m.pk)) for m in moments]
        current = ratings.get((rel.pk, open_moment.pk)) if open_moment else None
        prior = [
            c
            for m, c in zip(moments, cells, strict=True)
            if c and (open_moment is None or m.date < open_moment.date)
        ]
        previous = prior[-1] if prior else None
        rows.append(
            {
                "relationship": rel,
                "code": rel.family.code,
                "label": rel.label if show_labels else "",
                "cells": cells,
                "history": [c for m, c in zip(moments, cells, strict=True) if m != open_moment],
                "current": current,
                "previous": previous,
            }
        )
    return {
        "group": group,
        "moments": moments,
        "open_moment": open_moment,
        "rows": rows,
        "show_labels": show_labels,
    }


def relationships_for_moment(*, user, moment) -> list[dict]:
    """The caller's own groups' relationships at `moment` with their last ratings."""
    group_ids = permissions.teacher_group_ids(user)
    rels = list(
        Relationship.objects.filter(
            unit_id=moment.unit_id,
            school_year_id=moment.school_year_id,
            group_id__in=group_ids,
            is_active=True,
        )
        .select_related("family", "group")
        .order_by("group__name", "family__code")
    )
    recent = list(
        MeasurementMoment.objects.filter(
            unit_id=moment.unit_id, school_year_id=moment.school_year_id, date__lte=moment.date
        ).order_by("-date")[:RECENT_MOMENTS]
    )
    ratings: dict[int, list] = {}
    for r in (
        Rating.objects.filter(relationship__in=rels, moment__in=recent)
        .select_related("moment")
        .order_by("-moment__date")
    ):
        ratings.setdefault(r.relationship_id, []).append(r)
    labels_for = {
        g: permissions.can_see_labels(user, rel.group) for rel in rels for g in [rel.group_id]
    }
    return [
        {
            "relationship": rel,
            "label": rel.label if labels_for[rel.group_id] else None,
            "ratings": ratings.get(rel.pk, []),
        }
        for rel in rels
    ]


def follow_up_list(*, unit, school_year) -> list[Rating]:
    """Relationships flagged 'samenwerking lijkt onmogelijk' at the latest moment they were
    rated (the IB'er's list). Inside the school only."""
    return list(
        Rating.objects.filter(
            moment__unit=unit, moment__school_year=school_year, cooperation_impossible=True
        )
        .select_related("relationship__family", "relationship__group", "moment")
        .order_by("follow_up", "-moment__date")
    )


def school_export(*, unit, user) -> tuple[list[str], list[list]]:
    """Everything the school holds in the oudervolgsysteem, for the school itself: one line
    per relationship and moment (code, label where `user` may see it, rating, next step,
    note, follow-up), then one line per intervisie. Pupil keys stay hashed and are left out;
    a teacher's own monthly self-checks are theirs, not the school's, and are not included."""
    label_groups = permissions.label_group_ids(user, unit)
    headers = [
        _("Soort"),
        _("Schooljaar"),
        _("Groep"),
        _("Gezin"),
        _("Aanduiding"),
        _("Actief"),
        _("Meetmoment"),
        _("Waardering"),
        _("Volgende stap"),
        _("Notitie"),
        _("Samenwerking lijkt onmogelijk"),
        _("Opvolging"),
    ]
    ratings: dict[int, list[Rating]] = {}
    for rating in (
        Rating.objects.filter(relationship__unit=unit)
        .select_related("moment")
        .order_by("moment__date")
    ):
        ratings.setdefault(rating.relationship_id, []).append(rating)
    rows = []
    relationships = (
        Relationship.objects.filter(unit=unit)
        .select_related("family", "group", "school_year")
        .order_by("school_year__start_date", "group__name", "family__code")
    )
    for rel in relationships:
        label = rel.label if label_groups is None or rel.group_id in label_groups else ""
        base = [
            _("Relatie"),
            rel.school_year.label,
            rel.group.name,
            rel.family.code,
            label,
            _("ja") if rel.is_active else _("nee"),
        ]
        for r in ratings.get(rel.pk, []) or [None]:
            if r is None:
                rows.append(base + [None, "", "", "", "", ""])
                continue
            rows.append(
                base
                + [
                    r.moment.date,
                    r.get_value_display(),
                    r.get_next_step_display() if r.next_step else "",
                    r.note,
                    _("ja") if r.cooperation_impossible else "",
                    r.get_follow_up_display() if r.follow_up else "",
                ]
            )
    for i in (
        Intervisie.objects.filter(moment__unit=unit)
        .select_related("moment", "moment__school_year")
        .order_by("held_on")
    ):
        rows.append(
            [
                _("Intervisie"),
                i.moment.school_year.label,
                "",
                "",
                "",
                "",
                i.moment.date,
                i.held_on,
                "",
                f"{_('Deelnemers')}: {i.participants}\n{_('Afspraken')}: {i.agreements}",
                "",
                "",
            ]
        )
    return headers, rows


def self_check_grid(*, group, user, today=None, months: int = 6) -> dict:
    """The teacher's own monthly self-check for `group`: this month and the months before,
    only the checks `user` made (nobody else sees them; never in aggregates)."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    month_list = [this_month]
    for _i in range(months - 1):
        prev = month_list[0]
        month_list.insert(0, (prev - datetime.timedelta(days=1)).replace(day=1))
    rels = list(
        Relationship.objects.filter(group=group, is_active=True)
        .select_related("family")
        .order_by("label", "family__code")
    )
    checks = {
        (c.relationship_id, c.month): c
        for c in SelfCheck.objects.filter(
            teacher=user, relationship__in=rels, month__gte=month_list[0]
        )
    }
    return {
        "group": group,
        "months": month_list,
        "this_month": this_month,
        "rows": [
            {
                "relationship": rel,
                "code": rel.family.code,
                "label": rel.label,
                "history": [checks.get((rel.pk, m)) for m in month_list[:-1]],
                "current": checks.get((rel.pk, this_month)),
            }
            for rel in rels
        ],
    }


# The everyday-practice reads live in practice.py; callers keep using `selectors.<name>`.
from .practice import (  # noqa: E402, F401
    APPRECIATION_GOAL,
    PRACTICE_EXERCISE_TYPES_DEFAULT,
    PRACTICE_LESSONS_HOOK,
    PRACTICE_STEP_SLUGS_DEFAULT,
    TURNAROUND_WINDOW_DAYS,
    appreciation_week,
    neutral_relationships,
    practice_lessons,
    turnarounds,
    week_start,
)
