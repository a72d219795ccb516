"""API for 'School met Glans': the criteria, a unit's certification state, the public
register. Aggregates only."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from glans_learning.core.links import absolute_url
from glans_learning.measurement.permissions import visible_board
from glans_learning.organisations.permissions import certification_units
from glans_learning.organisations.utils import parse_id

from . import board as board_selectors
from . import lifecycle, selectors
from .models import CriterionSet

router = Router(tags=["certificering"])


class CriterionOut(Schema):
    code: str
    category: str
    title: str
    guidance: str
    evidence_type: str
    threshold: int | None


class CriterionSetOut(Schema):
    name: str
    criteria: list[CriterionOut]


class PrecheckOut(Schema):
    criterion: str
    met: bool
    evidence: str


class ApplicationOut(Schema):
    id: int
    status: str
    submitted_at: datetime.datetime
    conversation_at: datetime.datetime | None
    valid_until: datetime.date | None


class SchoolCertificateOut(Schema):
    valid_until: datetime.date
    verification_url: str
    state: str = Field(
        description="valid, checkin_open, checkin_overdue or suspended (see docs/certification.md)"
    )


class CertificationOut(Schema):
    unit: int
    status: str = Field(
        description=("certified, suspended, applied, not_yet, revoked, expired, preparing or none")
    )
    prechecks: list[PrecheckOut]
    application: ApplicationOut | None
    certificate: SchoolCertificateOut | None


class BoardCertificationOut(Schema):
    board: int
    name: str
    units: list[CertificationOut]


class RegisterEntryOut(Schema):
    unit: str
    city: str
    valid_until: datetime.date
    verification_url: str


class ErrorOut(Schema):
    detail: str


def _verify_url(request, certificate) -> str:
    return absolute_url(reverse("glans_certification:verify", args=[certificate.code]), request)


@router.get(
    "/certification/criteria",
    response={200: CriterionSetOut, 404: ErrorOut},
    summary=_("Certificeringscriteria van de huidige ronde"),
)
def criteria(request):
    criterion_set = CriterionSet.current()
    if criterion_set is None:
        raise Http404
    return CriterionSetOut(
        name=criterion_set.name,
        criteria=[
            CriterionOut(
                code=c.code,
                category=c.category,
                title=c.title,
                guidance=c.guidance,
                evidence_type=c.evidence_type,
                threshold=c.threshold,
            )
            for c in criterion_set.criteria.all()
        ],
    )


@router.get(
    "/organisations/{unit_id}/certification",
    response={200: CertificationOut, 404: ErrorOut},
    summary=_("Certificering van een school: voorcontrole, aanvraag en certificaat"),
)
def unit_certification(request, unit_id: str):
    unit = certification_units(request.user).filter(pk=parse_id(unit_id)).first()
    if unit is None:
        raise Http404
    return _certification_out(request, unit)


@router.get(
    "/boards/{board_id}/certification",
    response={200: BoardCertificationOut, 404: ErrorOut},
    summary=_("Certificering van de scholen van een bestuur"),
)
def board_certification(request, board_id: str):
    """For the board-level Expertgroep and the academy: every active school of the board with
    the same figures as for one school. Aggregates only, never parent data."""
    board = visible_board(request.user, parse_id(board_id))
    if board is None:
        raise Http404
    # All the schools at once (issue #30): a fixed number of queries, however many schools;
    # each figure equals the per-school read of the school's own endpoint.
    units = list(board.units.filter(is_active=True).order_by("name"))
    unit_ids = [u.pk for u in units]
    checks = board_selectors.prechecks_by_unit(units=units, school_year=selectors.current_year())
    applications = board_selectors.latest_applications(unit_ids=unit_ids, fields=None)
    states = board_selectors.states_by_unit(unit_ids=unit_ids, applications=applications)
    return BoardCertificationOut(
        board=board.pk,
        name=board.name,
        units=[
            _out(
                request,
                unit,
                status=states[unit.pk][0],
                prechecks=checks[unit.pk],
                application=applications.get(unit.pk),
                certificate=states[unit.pk][1],
            )
            for unit in units
        ],
    )


def _certification_out(request, unit) -> CertificationOut:
    overview = selectors.unit_overview(unit=unit)
    return _out(
        request,
        unit,
        status=selectors.status_label(unit=unit),
        prechecks=overview["prechecks"],
        application=overview["application"],
        certificate=overview["certificate"],
    )


def _out(request, unit, *, status, prechecks, application, certificate) -> CertificationOut:
    return CertificationOut(
        unit=unit.pk,
        status=status,
        prechecks=[
            PrecheckOut(
                criterion=row["criterion"].code, met=row["met"], evidence=str(row["evidence"])
            )
            for row in prechecks
        ],
        application=ApplicationOut(
            id=application.pk,
            status=application.status,
            submitted_at=application.submitted_at,
            conversation_at=application.conversation_at,
            valid_until=application.valid_until,
        )
        if application
        else None,
        certificate=SchoolCertificateOut(
            valid_until=certificate.valid_until,
            verification_url=_verify_url(request, certificate),
            state=lifecycle.certificate_state(certificate)["state"],
        )
        if certificate
        else None,
    )


@router.get(
    "/certification/register",
    auth=None,
    response=list[RegisterEntryOut],
    summary=_("Openbaar register van scholen met Glans"),
)
def register(request):
    return [
        RegisterEntryOut(
            unit=cert.unit.name,
            city=cert.unit.city,
            valid_until=cert.valid_until,
            verification_url=_verify_url(request, cert),
        )
        for cert in selectors.public_register()
    ]
