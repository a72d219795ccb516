"""API of the oudervolgsysteem: aggregates per school or board, the caller's relationships
at a moment, and rating them (all or nothing)."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from glans_learning.organisations.models import OrganisationUnit, SchoolYear
from glans_learning.organisations.utils import parse_id

from . import permissions, selectors, services
from .models import MeasurementMoment

router = Router(tags=["oudervolgsysteem"])


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict | list | None = None


class MomentOut(Schema):
    id: int
    date: date
    rated: int | None
    positive: int | None
    neutral: int | None
    negative: int | None
    not_rated: int | None
    dull_without_step: int | None
    share_positive: int | None
    target: int | None
    suppressed: bool


class GroupOut(Schema):
    id: int
    name: str
    moments: list[MomentOut]


class UnitMeasurementsOut(Schema):
    id: int
    name: str
    school_year: str | None
    target: int | None
    moments: list[MomentOut]
    groups: list[GroupOut] = []


class BoardMeasurementsOut(Schema):
    id: int
    name: str
    school_year: str | None
    units: list[UnitMeasurementsOut]


class RatingOut(Schema):
    moment: int
    date: date
    rating: str
    next_step: str


class RelationshipOut(Schema):
    relationship: str
    group: int
    group_name: str
    label: str | None
    ratings: list[RatingOut]


class RatingIn(Schema):
    relationship: str = Field(..., max_length=16)
    rating: str | None  # null takes the rating at this moment back (undo of a first rating)
    next_step: str | None = ""
    note: str | None = Field("", max_length=500)
    impossible: bool = False
    group: int | None = None


class RatingsIn(Schema):
    ratings: list[RatingIn] = Field(..., max_length=500)


class RatingsOut(Schema):
    saved: int


def _moment_out(cell) -> MomentOut:
    return MomentOut(
        id=cell["moment"].pk,
        date=cell["moment"].date,
        **{k: cell[k] for k in MomentOut.model_fields if k not in ("id", "date")},
    )


def _school_year(value: str | None) -> SchoolYear | None:
    if value:
        year = SchoolYear.objects.filter(label=value).first()
        if year is None:
            raise Http404
        return year
    return selectors.school_year_default()


@router.get(
    "/organisations/{unit_id}/measurements",
    response={200: UnitMeasurementsOut, 401: ErrorOut, 404: ErrorOut},
    summary=_("Metingen van een school"),
)
def unit_measurements(request, unit_id: str, school_year: str | None = None):
    unit = OrganisationUnit.objects.select_related("board").filter(pk=parse_id(unit_id)).first()
    access = permissions.unit_access(request.user, unit) if unit else None
    if access is None:
        raise Http404
    year = _school_year(school_year)
    if year is None:
        return UnitMeasurementsOut(
            id=unit.pk, name=unit.name, school_year=None, target=None, moments=[]
        )
    group_ids = {
        permissions.SCHOOL: None,
        permissions.MEMBER: permissions.teacher_group_ids(request.user),
    }.get(access, set())
    data = selectors.unit_measurements(
        unit=unit, school_year=year, group_ids=group_ids, suppress=access == permissions.OUTSIDE
    )
    return UnitMeasurementsOut(
        id=unit.pk,
        name=unit.name,
        school_year=year.label,
        target=data["target"],
        moments=[_moment_out(c) for c in data["moments"]],
        groups=[
            GroupOut(
                id=g["group"].pk,
                name=g["group"].name,
                moments=[_moment_out(c) for c in g["moments"]],
            )
            for g in data["groups"]
        ],
    )


@router.get(
    "/boards/{board_id}/measurements",
    response={200: BoardMeasurementsOut, 401: ErrorOut, 404: ErrorOut},
    summary=_("Metingen van de scholen van een bestuur"),
)
def board_measurements(request, board_id: str, school_year: str | None = None):
    board = permissions.visible_board(request.user, parse_id(board_id))
    if board is None:
        raise Http404
    year = _school_year(school_year)
    units = OrganisationUnit.objects.filter(board=board, is_active=True).order_by("name")
    rows = (
        selectors.units_measurements(units=units, school_year=year, suppress=True) if year else []
    )
    return BoardMeasurementsOut(
        id=board.pk,
        name=board.name,
        school_year=year.label if year else None,
        units=[
            UnitMeasurementsOut(
                id=r["unit"].pk,
                name=r["unit"].name,
                school_year=year.label,
                target=r["target"],
                moments=[_moment_out(c) for c in r["moments"]],
            )
            for r in rows
        ],
    )


def _moment_or_404(moment_id) -> MeasurementMoment:
    moment = MeasurementMoment.objects.select_related("unit").filter(pk=parse_id(moment_id)).first()
    if moment is None:
        raise Http404
    return moment


@router.get(
    "/measurements/{moment_id}/relationships",
    response={200: list[RelationshipOut], 401: ErrorOut, 404: ErrorOut},
    summary=_("Mijn ouderrelaties bij een meetmoment"),
)
def moment_relationships(request, moment_id: str):
    moment = _moment_or_404(moment_id)
    items = selectors.relationships_for_moment(user=request.user, moment=moment)
    if not items:
        raise Http404
    if any(i["label"] for i in items):
        services.access_log(
            user=request.user, unit_id=moment.unit_id, group_id=None, what="api:relationships"
        )
    return [
        RelationshipOut(
            relationship=i["relationship"].family.code,
            group=i["relationship"].group_id,
            group_name=i["relationship"].group.name,
            label=i["label"],
            ratings=[
                RatingOut(
                    moment=r.moment_id, date=r.moment.date, rating=r.value, next_step=r.next_step
                )
                for r in i["ratings"]
            ],
        )
        for i in items
    ]


@router.put(
    "/measurements/{moment_id}/ratings",
    response={
        200: RatingsOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary=_("Relaties waarderen (alles of niets)"),
    url_name="moment_ratings",
)
def moment_ratings(request, moment_id: str, payload: RatingsIn):
    moment = _moment_or_404(moment_id)
    if permissions.unit_access(request.user, moment.unit) is None:
        raise Http404
    saved = services.rate_group(
        user=request.user, moment=moment, ratings=[r.model_dump() for r in payload.ratings]
    )
    return RatingsOut(saved=saved)
