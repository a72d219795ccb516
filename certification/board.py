"""The board's certification overview (issue #30): every school's state, pre-checks met and
certificate, read for all the board's schools at once in a fixed number of queries, however
many schools and applications there are. Each figure here is the bulk form of the per-school
read in selectors.py and equals it (tests/certification/test_board_overview.py). Totals
only: a school's state and how many criteria it meets, never a person."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Subquery, prefetch_related_objects
from django.utils import timezone
from wagtail.models import Revision

from glans_learning.courses.models import (
    ATTENDED,
    Attendance,
    Audience,
    Enrollment,
    ProgrammeCompletion,
    Session,
    SessionRegistration,
)
from glans_learning.measurement.selectors import units_measurements
from glans_learning.organisations.models import Membership, RoleCode

from .models import (
    OPEN_STATUSES,
    Application,
    Certificate,
    Criterion,
    CriterionSet,
    Handbook,
    HandbookSection,
    Status,
)
from .selectors import STATUS_LABELS, criterion_evidence, current_year


def _share(part: int, total: int) -> int | None:
    return round(100 * part / total) if total else None


def workshop_figures_by_unit(*, unit_ids, school_year) -> dict[int, dict]:
    """selectors.workshop_figures for each of `unit_ids`: one query."""
    completed = Exists(
        ProgrammeCompletion.objects.filter(
            user_id=OuterRef("user_id"), programme_id=OuterRef("programme_id")
        )
    )
    counts = {
        row["unit_id"]: row
        for row in Enrollment.objects.filter(
            unit_id__in=unit_ids,
            school_year=school_year,
            programme__audience=Audience.WORKSHOP,
            status=Enrollment.Status.ACTIVE,
        )
        .order_by()
        .values("unit_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=completed))
    }
    out = {}
    for unit_id in unit_ids:
        total = counts.get(unit_id, {}).get("total", 0)
        done = counts.get(unit_id, {}).get("done", 0)
        out[unit_id] = {"enrolled": total, "completed": done, "share": _share(done, total)}
    return out


def tdt_figures_by_unit(*, unit_ids, school_year) -> dict[int, dict]:
    """selectors.tdt_figures for each of `unit_ids`: two queries (the units' TdT participants,
    then their registrations per person, summed per unit)."""
    people = Membership.objects.current().filter(
        unit_id__in=unit_ids, roles__code=RoleCode.TDT_PARTICIPANT
    )
    by_unit: dict[int, set[int]] = {}
    for unit_id, user_id in people.order_by().values_list("unit_id", "user_id").distinct():
        by_unit.setdefault(unit_id, set()).add(user_id)
    per_user = {
        row["user_id"]: row
        for row in SessionRegistration.objects.filter(
            user_id__in=people.values("user_id"),
            session__kind=Session.Kind.TDT,
            session__school_year=school_year,
            session__ends_at__lte=timezone.now(),
        )
        .exclude(attendance=Attendance.UNKNOWN)
        .order_by()
        .values("user_id")
        .annotate(total=Count("pk"), attended=Count("pk", filter=Q(attendance__in=list(ATTENDED))))
    }
    out = {}
    for unit_id in unit_ids:
        rows = [per_user[u] for u in by_unit.get(unit_id, ()) if u in per_user]
        total = sum(r["total"] for r in rows)
        attended = sum(r["attended"] for r in rows)
        out[unit_id] = {
            "registrations": total,
            "attended": attended,
            "share": _share(attended, total),
        }
    return out


def expertgroep_figures_by_unit(*, unit_ids) -> dict[int, dict]:
    """selectors.expertgroep_figures for each of `unit_ids`: one query."""
    members: dict[int, set[int]] = {u: set() for u in unit_ids}
    directors: dict[int, set[int]] = {u: set() for u in unit_ids}
    rows = (
        Membership.objects.current()
        .filter(unit_id__in=unit_ids)
        .filter(
            Q(roles__code=RoleCode.SCHOOL_EXPERTGROEP, is_active=True)
            | Q(roles__code=RoleCode.DIRECTOR)
        )
        .order_by()
        .values_list("unit_id", "user_id", "roles__code")
        .distinct()
    )
    for unit_id, user_id, code in rows:
        (members if code == RoleCode.SCHOOL_EXPERTGROEP else directors)[unit_id].add(user_id)
    return {
        u: {"members": len(members[u]), "director": bool(members[u] & directors[u])}
        for u in unit_ids
    }


def latest_handbooks(*, unit_ids, school_year) -> dict[int, tuple[Handbook, int, list]]:
    """Per unit with a handbook in `school_year`: the handbook, its criterion set and its
    sections as last saved (selectors.handbook_latest: a draft's from its latest revision).
    At most three queries."""
    handbooks = list(Handbook.objects.filter(unit_id__in=unit_ids, school_year=school_year))
    drafts = [h for h in handbooks if h.has_unpublished_changes and h.latest_revision_id]
    saved = [h for h in handbooks if h not in drafts]
    prefetch_related_objects(saved, "sections")
    contents = dict(
        Revision.objects.filter(pk__in=[h.latest_revision_id for h in drafts]).values_list(
            "pk", "content"
        )
        if drafts
        else ()
    )
    out = {}
    for handbook in saved:
        out[handbook.unit_id] = (
            handbook,
            handbook.criterion_set_id,
            list(handbook.sections.all()),
        )
    for handbook in drafts:
        content = contents.get(handbook.latest_revision_id) or {}
        sections = [
            HandbookSection(criterion_id=s.get("criterion"), body=s.get("body") or "")
            for s in content.get("sections", [])
        ]
        out[handbook.unit_id] = (
            handbook,
            content.get("criterion_set", handbook.criterion_set_id),
            sections,
        )
    return out


def prechecks_by_unit(*, units, school_year) -> dict[int, list[dict]]:
    """selectors.prechecks for each of `units` in `school_year`, in a fixed number of
    queries (about fourteen) whatever the number of units."""
    units = list(units)
    unit_ids = [u.pk for u in units]
    if school_year is None:
        return dict.fromkeys(unit_ids, [])
    handbooks = latest_handbooks(unit_ids=unit_ids, school_year=school_year)
    set_ids = {unit_id: found[1] for unit_id, found in handbooks.items()}
    if len(set_ids) < len(unit_ids):
        current = CriterionSet.current()
        for unit_id in unit_ids:
            set_ids.setdefault(unit_id, current.pk if current is not None else None)
    criteria: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.filter(
        criterion_set_id__in={s for s in set_ids.values() if s is not None}
    ):
        criteria.setdefault(criterion.criterion_set_id, []).append(criterion)
    measurements = {
        row["unit"].pk: {"moments": row["moments"], "target": row["target"]}
        for row in units_measurements(units=units, school_year=school_year, suppress=False)
    }
    workshop = workshop_figures_by_unit(unit_ids=unit_ids, school_year=school_year)
    tdt = tdt_figures_by_unit(unit_ids=unit_ids, school_year=school_year)
    expertgroep = expertgroep_figures_by_unit(unit_ids=unit_ids)
    out = {}
    for unit in units:
        if set_ids[unit.pk] is None:
            out[unit.pk] = []
            continue
        handbook, _set_id, sections = handbooks.get(unit.pk, (None, None, None))
        figures = {
            "measurement": measurements[unit.pk],
            "workshop": workshop[unit.pk],
            "tdt": tdt[unit.pk],
            "expertgroep": expertgroep[unit.pk],
        }
        out[unit.pk] = [
            {
                "criterion": criterion,
                **criterion_evidence(
                    criterion,
                    unit=unit,
                    school_year=school_year,
                    handbook=handbook,
                    sections=sections,
                    figures=figures,
                ),
            }
            for criterion in criteria.get(set_ids[unit.pk], [])
        ]
    return out


def _first_per_unit(queryset, order) -> dict[int, object]:
    """Per unit: the first row of `queryset` in `order` (as `.order_by(order).first()` per
    unit), in one query."""
    first = queryset.filter(unit_id=OuterRef("unit_id")).order_by(*order).values("pk")[:1]
    return {row.unit_id: row for row in queryset.filter(pk=Subquery(first))}


def latest_applications(*, unit_ids, fields=("pk", "unit_id", "status")) -> dict[int, Application]:
    """Per unit: its latest application (as `Application.objects.filter(unit=unit).first()`),
    with only `fields` (all of them for None), in one query."""
    applications = Application.objects.filter(unit_id__in=unit_ids)
    if fields is not None:
        applications = applications.only(*fields)
    return _first_per_unit(applications, ("-submitted_at", "-pk"))


def states_by_unit(
    *, unit_ids, applications: dict[int, Application] | None = None
) -> dict[int, tuple[str, Certificate | None]]:
    """Per unit: selectors.status_label and selectors.current_certificate, in five queries
    (four when the caller has read `applications` with latest_applications)."""
    today = timezone.localdate()
    current: dict[int, Certificate] = {}
    for certificate in (
        Certificate.objects.filter(
            unit_id__in=unit_ids, revoked_at__isnull=True, valid_until__gte=today
        )
        .prefetch_related("checkins")
        .order_by("-valid_until")
    ):
        current.setdefault(certificate.unit_id, certificate)
    if applications is None:
        applications = latest_applications(unit_ids=unit_ids)
    last_certificates = _first_per_unit(
        Certificate.objects.filter(unit_id__in=unit_ids).only(
            "pk", "unit_id", "application_id", "revoked_at"
        ),
        ("-issued_at", "-pk"),
    )
    with_handbook = set(
        Handbook.objects.filter(unit_id__in=unit_ids).order_by().values_list("unit_id", flat=True)
    )
    out = {}
    for unit_id in unit_ids:
        certificate = current.get(unit_id)
        app = applications.get(unit_id)
        last = last_certificates.get(unit_id)
        if certificate:
            state = "certified" if certificate.is_valid(today) else "suspended"
        elif app and app.status in OPEN_STATUSES:
            state = "applied"
        elif last is not None and app is not None and app.pk == last.application_id:
            state = "revoked" if last.revoked_at else "expired"
        elif app and app.status == Status.NOT_YET:
            state = "not_yet"
        elif unit_id in with_handbook:
            state = "preparing"
        else:
            state = "none"
        out[unit_id] = (state, certificate)
    return out


def board_overview(*, board) -> list[dict]:
    """Per active school of `board`, by name: its state, how many pre-checks it meets of how
    many, and its current certificate."""
    units = list(board.units.filter(is_active=True).order_by("name"))
    unit_ids = [u.pk for u in units]
    checks = prechecks_by_unit(units=units, school_year=current_year())
    states = states_by_unit(unit_ids=unit_ids)
    rows = []
    for unit in units:
        state, certificate = states[unit.pk]
        rows.append(
            {
                "unit": unit,
                "status": state,
                "status_label": STATUS_LABELS[state],
                "met": sum(1 for row in checks[unit.pk] if row["met"]),
                "total": len(checks[unit.pk]),
                "certificate": certificate,
            }
        )
    return rows
