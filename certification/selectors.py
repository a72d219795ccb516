"""Reads for certification: live evidence per criterion (pre-checks), the handbook diff
between years, work lists. Aggregates only: counts and shares, never a family or a name."""

from __future__ import annotations

import difflib
import re
from html import unescape

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from glans_learning.core.templatetags.glans_core_tags import moment
from glans_learning.courses.models import (
    ATTENDED,
    Attendance,
    Audience,
    Enrollment,
    ProgrammeCompletion,
    Session,
    SessionRegistration,
)
from glans_learning.measurement.selectors import school_year_default, unit_measurements
from glans_learning.organisations.models import Membership, RoleCode, SchoolYear
from glans_learning.organisations.permissions import (
    certification_units,
    handbook_units,
    member_unit_ids,
)

from . import lifecycle
from .models import (
    OPEN_STATUSES,
    Application,
    Certificate,
    CheckIn,
    Criterion,
    CriterionSet,
    EvidenceType,
    Handbook,
    HandbookAttachment,
    Status,
)

MIN_SECTION_CHARS = 200  # a handbook section counts as written from this length on


def plain_text(html: str) -> str:
    text = re.sub(r"<(br|/p|/li|/h\d)[^>]*>", "\n", html or "")
    text = re.sub(r"<[^>]+>", "", text)
    return "\n".join(line.strip() for line in unescape(text).splitlines() if line.strip())


def current_year() -> SchoolYear | None:
    return school_year_default()


def handbook_for(*, unit, school_year) -> Handbook | None:
    return (
        Handbook.objects.filter(unit=unit, school_year=school_year)
        .select_related("school_year", "criterion_set", "previous", "live_revision")
        .first()
    )


def handbook_latest(handbook: Handbook) -> Handbook:
    """The handbook as last saved (a draft included)."""
    if handbook.latest_revision_id:
        return handbook.get_latest_revision_as_object()
    return handbook


def handbook_live(handbook: Handbook) -> Handbook | None:
    """The handbook as last published, or None."""
    if not handbook.live or handbook.live_revision is None:
        return None
    return handbook.live_revision.as_object()


def handbook_sections(handbook: Handbook) -> list[dict]:
    criteria = {c.pk: c for c in Criterion.objects.filter(criterion_set=handbook.criterion_set_id)}
    out = []
    for section in handbook.sections.all():
        criterion = criteria.get(section.criterion_id)
        out.append(
            {
                "criterion": criterion,
                "code": criterion.code if criterion else "",
                "title": criterion.title if criterion else "",
                "html": section.body,
                "text": plain_text(section.body),
            }
        )
    return sorted(out, key=lambda s: s["criterion"].sort_order if s["criterion"] else 0)


def handbook_diff(*, handbook: Handbook) -> list[dict]:
    """Per section: the lines removed and added since last year's handbook (published
    versions where there are any)."""
    previous = handbook.previous
    this = handbook_live(handbook) or handbook_latest(handbook)
    before = {}
    if previous is not None:
        prev = handbook_live(previous) or handbook_latest(previous)
        before = {s["code"]: s["text"] for s in handbook_sections(prev)}
    rows = []
    for section in handbook_sections(this):
        old = before.get(section["code"], "")
        lines = [
            {"op": line[0], "text": line[2:]}
            for line in difflib.ndiff(old.splitlines(), section["text"].splitlines())
            if line[:1] in ("+", "-", " ")
        ]
        rows.append(
            {
                "code": section["code"],
                "title": section["title"],
                "changed": old != section["text"],
                "lines": lines,
            }
        )
    return rows


def handbook_attachments(*, handbook, include_removed=False):
    qs = handbook.attachments.select_related("criterion")
    return qs if include_removed else qs.filter(removed_at__isnull=True)


def handbook_workspace(*, handbook) -> list[dict]:
    """Per section: the team's comments and the attachments (the school's own work)."""
    comments = list(handbook.comments.select_related("author"))
    attachments = list(handbook_attachments(handbook=handbook))
    return [
        {
            "criterion": criterion,
            "comments": [c for c in comments if c.criterion_id == criterion.pk],
            "attachments": [a for a in attachments if a.criterion_id == criterion.pk],
        }
        for criterion in handbook.criterion_set.criteria.all()
    ]


def dossier_attachment(*, application, attachment_id):
    """An attachment listed in the application's frozen dossier (even if removed since)."""
    listed = {a["id"] for a in application.dossier.get("attachments", [])}
    if attachment_id not in listed:
        return None

    return HandbookAttachment.objects.filter(
        pk=attachment_id, handbook_id=application.handbook_id
    ).first()


# --- evidence --------------------------------------------------------------------------


def _measurement_evidence(criterion, unit, school_year, data=None) -> dict:
    """`data`: the unit's moments and target, when read already (for many units at once)."""
    if data is None:
        data = unit_measurements(unit=unit, school_year=school_year, group_ids=[])
    latest = next((m for m in reversed(data["moments"]) if m["rated"]), None)
    target = criterion.threshold if criterion.threshold is not None else data["target"]
    if latest is None:
        return {
            "met": False,
            "evidence": _("Nog geen meting met beoordelingen in %(year)s.") % {"year": school_year},
            "figures": {"share_positive": None, "target": target, "moment": None},
        }
    share = latest["share_positive"]
    met = target is not None and share is not None and share >= target
    return {
        "met": met,
        "evidence": _(
            "Laatste meting (%(date)s): %(share)s%% van de beoordeelde relaties glanst; het "
            "doel is %(target)s."
        )
        % {
            "date": moment(latest["moment"].date),
            "share": share,
            "target": f"{target}%" if target is not None else _("niet vastgesteld"),
        },
        "figures": {
            "share_positive": share,
            "target": target,
            "moment": latest["moment"].date.isoformat(),
            "rated": latest["rated"],
            "relationships": latest["relationships"],
        },
    }


def workshop_figures(*, unit, school_year) -> dict:
    """Share of this year's workshop enrolments at the unit that are completed."""
    enrolments = Enrollment.objects.filter(
        unit=unit,
        school_year=school_year,
        programme__audience=Audience.WORKSHOP,
        status=Enrollment.Status.ACTIVE,
    )
    completed = Exists(
        ProgrammeCompletion.objects.filter(
            user_id=OuterRef("user_id"), programme_id=OuterRef("programme_id")
        )
    )
    counts = enrolments.aggregate(total=Count("pk"), done=Count("pk", filter=completed))
    total, done = counts["total"], counts["done"]
    return {
        "enrolled": total,
        "completed": done,
        "share": round(100 * done / total) if total else None,
    }


def tdt_figures(*, unit, school_year) -> dict:
    """Attendance of the unit's TdT participants at TdT meetings of the year that ended."""
    people = Membership.objects.current().filter(unit=unit, roles__code=RoleCode.TDT_PARTICIPANT)
    regs = SessionRegistration.objects.filter(
        user_id__in=people.values("user_id"),
        session__kind=Session.Kind.TDT,
        session__school_year=school_year,
        session__ends_at__lte=timezone.now(),
    ).exclude(attendance=Attendance.UNKNOWN)
    counts = regs.aggregate(
        total=Count("pk"), attended=Count("pk", filter=Q(attendance__in=list(ATTENDED)))
    )
    total, attended = counts["total"], counts["attended"]
    return {
        "registrations": total,
        "attended": attended,
        "share": round(100 * attended / total) if total else None,
    }


def expertgroep_figures(*, unit) -> dict:
    """The Expertgroep's size and whether the director is in it: one query."""
    members, directors = set(), set()
    for user_id, code in (
        Membership.objects.current()
        .filter(unit=unit, roles__code__in=[RoleCode.SCHOOL_EXPERTGROEP, RoleCode.DIRECTOR])
        .order_by()
        .values_list("user_id", "roles__code")
        .distinct()
    ):
        (members if code == RoleCode.SCHOOL_EXPERTGROEP else directors).add(user_id)
    return {"members": len(members), "director": bool(members & directors)}


def _share_evidence(figures, threshold, *, none_text, text) -> dict:
    share = figures["share"]
    if share is None:
        return {"met": False, "evidence": none_text, "figures": figures}
    return {
        "met": share >= (threshold or 0),
        "evidence": text % {**figures, "threshold": threshold},
        "figures": figures,
    }


def criterion_evidence(
    criterion, *, unit, school_year, handbook=None, sections=None, figures=None
) -> dict:
    """`sections`: the handbook's sections, when the caller has read them already; `figures`:
    the unit's figures read for many units at once (board.py: measurement, workshop, tdt,
    expertgroep), each read here when missing."""
    kind = criterion.evidence_type
    figures = figures or {}
    if kind == EvidenceType.MEASUREMENT:
        return _measurement_evidence(criterion, unit, school_year, figures.get("measurement"))
    if kind == EvidenceType.WORKSHOP:
        return _share_evidence(
            figures.get("workshop") or workshop_figures(unit=unit, school_year=school_year),
            criterion.threshold,
            none_text=_("Dit schooljaar staat nog niemand ingeschreven voor de workshop."),
            text=_(
                "%(completed)s van %(enrolled)s ingeschreven collega's rondden de workshop af "
                "(%(share)s%%; drempel %(threshold)s%%)."
            ),
        )
    if kind == EvidenceType.TDT:
        return _share_evidence(
            figures.get("tdt") or tdt_figures(unit=unit, school_year=school_year),
            criterion.threshold,
            none_text=_("Nog geen geregistreerde aanwezigheid bij TdT-bijeenkomsten."),
            text=_(
                "Bij %(attended)s van %(registrations)s aanmeldingen voor TdT-bijeenkomsten "
                "waren de deelnemers aanwezig (%(share)s%%; drempel %(threshold)s%%)."
            ),
        )
    if kind == EvidenceType.EXPERTGROEP:
        figures = figures.get("expertgroep") or expertgroep_figures(unit=unit)
        need = criterion.threshold or 0
        return {
            "met": figures["members"] >= need,
            "evidence": ngettext(
                "De Expertgroep telt %(members)s lid (minimaal %(need)s); de directeur "
                "%(director)s.",
                "De Expertgroep telt %(members)s leden (minimaal %(need)s); de directeur "
                "%(director)s.",
                figures["members"],
            )
            % {
                "members": figures["members"],
                "need": need,
                "director": _("neemt deel") if figures["director"] else _("neemt (nog) niet deel"),
            },
            "figures": figures,
        }
    # A handbook section: written when it has some substance.
    text = ""
    if handbook is not None:
        for section in handbook.sections.all() if sections is None else sections:
            if section.criterion_id == criterion.pk:
                text = plain_text(section.body)
    chars = len(text)
    if handbook is None:
        evidence = _("Er is nog geen handboek voor dit schooljaar.")
    elif chars >= MIN_SECTION_CHARS:
        evidence = _("Het hoofdstuk is beschreven (%(chars)s tekens).") % {"chars": chars}
    else:
        evidence = _(
            "Het hoofdstuk is nog kort (%(chars)s tekens); beschrijf hoe jullie dit borgen."
        ) % {"chars": chars}
    return {
        "met": handbook is not None and chars >= MIN_SECTION_CHARS,
        "evidence": evidence,
        "figures": {"chars": chars},
    }


def prechecks(*, unit, school_year=None, handbook=None, criterion_set=None) -> list[dict]:
    """Each criterion of the current set: met / not yet met, with the live evidence."""
    school_year = school_year or current_year()
    if handbook is None and school_year is not None:
        found = handbook_for(unit=unit, school_year=school_year)
        handbook = handbook_latest(found) if found else None
    criterion_set = criterion_set or (
        handbook.criterion_set if handbook is not None else CriterionSet.current()
    )
    if criterion_set is None or school_year is None:
        return []
    rows = []
    # The handbook's sections are read once, not once per handbook criterion.
    sections = list(handbook.sections.all()) if handbook is not None else None
    for criterion in criterion_set.criteria.all():
        rows.append(
            {
                "criterion": criterion,
                **criterion_evidence(
                    criterion,
                    unit=unit,
                    school_year=school_year,
                    handbook=handbook,
                    sections=sections,
                ),
            }
        )
    return rows


# --- overview, work lists, register ------------------------------------------------------


def visible_applications(user):
    return Application.objects.filter(unit__in=certification_units(user)).select_related(
        "unit", "school_year", "auditor", "second_auditor"
    )


def auditor_worklist(*, user) -> dict:
    qs = (
        Application.objects.filter(status__in=OPEN_STATUSES)
        .exclude(unit_id__in=list(member_unit_ids(user)))
        .select_related("unit", "unit__board", "auditor", "school_year")
        .order_by("submitted_at")
    )
    rows = list(qs)

    checkins = (
        CheckIn.objects.filter(accepted_at__isnull=True)
        .exclude(certificate__unit_id__in=list(member_unit_ids(user)))
        .select_related("certificate__unit")
        .order_by("confirmed_at")
    )
    return {
        "checkins": list(checkins),
        "mine": [a for a in rows if a.auditor_id == user.pk or a.second_auditor_id == user.pk],
        "unassigned": [a for a in rows if a.auditor_id is None],
        "others": [
            a
            for a in rows
            if a.auditor_id not in (None, user.pk) and a.second_auditor_id != user.pk
        ],
    }


def unit_overview(*, unit, school_year=None) -> dict:
    school_year = school_year or current_year()
    # Only what the overview and the pre-checks read: not last year's handbook nor the
    # published revision's content (handbook_for reads those for the diff).
    handbook = (
        Handbook.objects.filter(unit=unit, school_year=school_year)
        .select_related("criterion_set")
        .first()
        if school_year
        else None
    )
    application = Application.objects.filter(unit=unit).first()
    # The current certificate (as current_certificate) and the last one, from one read.
    today = timezone.localdate()
    certificates = list(
        Certificate.objects.filter(unit=unit).defer("pdf").prefetch_related("checkins")
    )
    current = [c for c in certificates if c.revoked_at is None and c.valid_until >= today]
    certificate = max(current, key=lambda c: c.valid_until, default=None)
    last_certificate = certificate or (certificates[0] if certificates else None)
    return {
        "unit": unit,
        "school_year": school_year,
        "handbook": handbook,
        "prechecks": prechecks(
            unit=unit,
            school_year=school_year,
            handbook=handbook_latest(handbook) if handbook else None,
        ),
        "application": application,
        "certificate": certificate,
        "last_certificate": last_certificate,
        "certificate_state": (
            lifecycle.certificate_state(last_certificate) if last_certificate else None
        ),
    }


def current_certificate(*, unit) -> Certificate | None:
    today = timezone.localdate()
    return (
        Certificate.objects.filter(unit=unit, revoked_at__isnull=True, valid_until__gte=today)
        .prefetch_related("checkins")
        .order_by("-valid_until")
        .first()
    )


def public_register() -> list[Certificate]:
    """Opted-in certificates that are valid today: not revoked, not expired, not suspended
    for an overdue check-in."""
    today = timezone.localdate()
    certificates = (
        Certificate.objects.filter(
            in_register=True, revoked_at__isnull=True, valid_until__gte=today
        )
        .select_related("unit", "unit__board")
        .prefetch_related("checkins")
        .order_by("unit__name")
    )
    return [c for c in certificates if c.is_valid(today)]


STATUS_LABELS = {
    "certified": gettext_lazy("gecertificeerd"),
    "suspended": gettext_lazy("geschorst: de jaarlijkse check-in is nodig"),
    "revoked": gettext_lazy("certificaat ingetrokken"),
    "expired": gettext_lazy("certificaat verlopen"),
    "applied": gettext_lazy("aanvraag loopt"),
    "not_yet": gettext_lazy("nog niet: ontwikkelpunten"),
    "preparing": gettext_lazy("handboek in voorbereiding"),
    "none": gettext_lazy("nog niet begonnen"),
}


def status_label(*, unit) -> str:
    """certified / suspended / applied / not_yet / preparing / none, for the API."""
    certificate = current_certificate(unit=unit)
    if certificate:
        return "certified" if certificate.is_valid() else "suspended"
    app = Application.objects.filter(unit=unit).first()
    if app and app.is_open:
        return "applied"
    last = Certificate.objects.filter(unit=unit).order_by("-issued_at").first()
    if last is not None and app is not None and app.pk == last.application_id:
        return "revoked" if last.revoked_at else "expired"
    if app and app.status == Status.NOT_YET:
        return "not_yet"
    if Handbook.objects.filter(unit=unit).exists():
        return "preparing"
    return "none"


def units_for_user(user):
    return certification_units(user)


def writable_units(user):
    return handbook_units(user)


def open_application(unit) -> Application | None:
    return Application.objects.filter(unit=unit, status__in=OPEN_STATUSES).first()


def q_none():
    return Q(pk__in=[])


def rubric(criterion_set=None) -> dict:
    """The rubric 'School met Glans': the current set's criteria as stored (title, guidance,
    evidence, threshold and the three rubric levels), in their order."""
    criterion_set = criterion_set or CriterionSet.current()
    rows = list(criterion_set.criteria.all()) if criterion_set is not None else []
    return {"criterion_set": criterion_set, "criteria": rows}


def year_report(*, unit, school_year=None) -> dict:
    """The one-page Glans year report for parents and the MR (issue #25): the certificate,
    the share glanst per moment against the target and which handbook sections changed.
    Totals only, with the outsiders' suppression (cells under MIN_CELL relationships are
    left out), whoever reads it: it is meant to be shared."""

    school_year = school_year or current_year()
    certificate = current_certificate(unit=unit)
    measurements = (
        unit_measurements(unit=unit, school_year=school_year, group_ids=[], suppress=True)
        if school_year
        else {"moments": [], "target": None}
    )
    moments = [
        {
            "date": m["moment"].date,
            "share_positive": m["share_positive"],
            "rated": m["rated"],
            "suppressed": m["suppressed"],
        }
        for m in measurements["moments"]
    ]
    shown = [m for m in moments if m["share_positive"] is not None]
    handbook = handbook_for(unit=unit, school_year=school_year) if school_year else None
    changed = []
    if handbook is not None:
        changed = [
            {"code": row["code"], "title": row["title"]}
            for row in handbook_diff(handbook=handbook)
            if row["changed"]
        ]
    return {
        "unit": unit,
        "school_year": school_year,
        "certificate": certificate,
        "status": STATUS_LABELS[status_label(unit=unit)],
        "target": measurements["target"],
        "moments": moments,
        "latest": shown[-1] if shown else None,
        "first": shown[0] if shown else None,
        "handbook": handbook,
        "handbook_has_previous": bool(handbook and handbook.previous_id),
        "handbook_changes": changed,
    }
