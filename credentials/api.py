"""`/api/v1/me/points` and `/api/v1/me/certificates`."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from glans_learning.core.links import absolute_url

from . import selectors

router = Router(tags=["registerpunten en certificaten"])


class CycleOut(Schema):
    start: datetime.date
    end: datetime.date


class EntryOut(Schema):
    date: datetime.date
    description: str
    amount: Decimal
    source: str
    accreditation_id: str
    theme: str
    reason: str


class RegisterPointsOut(Schema):
    code: str
    name: str
    credit_unit: str
    cycle: CycleOut
    total: Decimal
    required: int | None
    entries: list[EntryOut]


class PointsOut(Schema):
    registers: list[RegisterPointsOut]


class ParticipationCertificateOut(Schema):
    id: int
    programme: str
    issued: datetime.datetime
    revoked: bool
    pdf_url: str
    verification_url: str
    credential_url: str


@router.get("/me/points", response=PointsOut, summary=_("Mijn registerpunten"))
def my_points(request):
    return {
        "registers": [
            {
                "code": str(r["register"].pk),
                "name": r["register"].name,
                "credit_unit": r["register"].unit,
                "cycle": {"start": r["cycle_start"], "end": r["cycle_end"]},
                "total": r["total"],
                "required": r["required"],
                "entries": [
                    {
                        "date": e.earned_on,
                        "description": e.description,
                        "amount": e.amount,
                        "source": e.source_type,
                        "accreditation_id": e.accreditation_id,
                        "theme": e.theme,
                        "reason": e.reason,
                    }
                    for e in r["entries"]
                ],
            }
            for r in selectors.points_for_user(user=request.user)
        ]
    }


@router.get(
    "/me/certificates", response=list[ParticipationCertificateOut], summary=_("Mijn certificaten")
)
def my_certificates(request):
    return [
        {
            "id": c.pk,
            "programme": c.programme_title,
            "issued": c.issued_at,
            "revoked": c.is_revoked,
            "pdf_url": absolute_url(
                reverse("glans_credentials:certificate_pdf", args=[c.code]), request
            ),
            "verification_url": absolute_url(
                reverse("glans_credentials:verify", args=[c.code]), request
            ),
            "credential_url": absolute_url(
                reverse("glans_credentials:credential", args=[c.code]), request
            ),
        }
        for c in selectors.certificates_for_user(user=request.user)
    ]
