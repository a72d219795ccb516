"""The learner's points and certificates, the public verification page and the public
credential documents (OB 3.0, OB 2.0, JWKS, status list)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from glans_learning.core.exports import FORMATS, export_response
from glans_learning.core.links import issuer_name
from glans_learning.courses.models import Register
from glans_learning.organisations import permissions

from . import badges, selectors, services, signing
from .models import Certificate

VC_JSON = "application/vc+ld+json"
LD_JSON = "application/ld+json"


def _json(data, content_type="application/json"):
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _jwt(token: str):
    response = HttpResponse(token, content_type="text/plain")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_GET
def mine(request):
    return render(
        request,
        "glans_credentials/mine.html",
        {
            "registers": selectors.points_for_user(user=request.user),
            "certificates": selectors.certificates_for_user(user=request.user),
        },
    )


@login_required
@require_GET
def certificate_pdf(request, code):
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    # Made while missing (its first run failed, e.g. a full disk); a storage error here is a
    # 503 "try again" (UnavailableMiddleware), never a half-made file.
    certificate = services.certificate_pdf_ensure(certificate=certificate)
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificaat-{certificate.code}.pdf"'
    return response


@require_GET
def verify(request, code):
    """Public: what a verifier needs and nothing more: holder (or that the holder was
    anonymised), programme, issued, valid until (no end date), issuer, and the status with
    the date and reason of a revocation. The code is 64 random bits."""
    certificate = (
        Certificate.objects.filter(code=(code or "").upper()[:32])
        .only(
            "code",
            "learner_name",
            "programme_title",
            "issued_at",
            "completed_on",
            "revoked_at",
            "revocation_reason",
            "holder_anonymised_at",
        )
        .first()
    )
    status = 404 if certificate is None else 200
    return render(
        request,
        "glans_credentials/verify.html",
        {"certificate": certificate, "code": code, "issuer": issuer_name()},
        status=status,
    )


def _public_certificate(code):
    return get_object_or_404(
        Certificate.objects.select_related("user"), code=code, holder_anonymised_at__isnull=True
    )


def _as_file(request, response, filename):
    """With ?download=1 the document arrives as a file to import into a wallet or backpack."""
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def credential(request, code):
    certificate = _public_certificate(code)
    if request.GET.get("format") == "jwt":
        return _as_file(
            request, _jwt(certificate.credential_jwt), f"open-badge-{certificate.code}.jwt"
        )
    return _as_file(
        request,
        _json(badges.credential(certificate), VC_JSON),
        f"open-badge-{certificate.code}.json",
    )


@require_GET
def assertion(request, code):
    certificate = _public_certificate(code)
    response = _json(badges.ob2_assertion(certificate), LD_JSON)
    if certificate.is_revoked:
        response.status_code = 410
    return _as_file(request, response, f"open-badge-2-{certificate.code}.json")


@require_GET
def badge_class(request, programme_key):
    certificate = Certificate.objects.filter(programme_key=programme_key).first()
    if certificate is None:
        raise Http404
    return _json(
        badges.ob2_badge_class(programme_key=programme_key, title=certificate.programme_title),
        LD_JSON,
    )


BADGE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
    '<circle cx="128" cy="128" r="120" fill="#f5b400"/>'
    '<text x="128" y="150" font-size="72" text-anchor="middle" font-family="sans-serif" '
    'fill="#1b2a41">G</text></svg>'
)


@require_GET
def badge_image(request):
    return HttpResponse(BADGE_SVG, content_type="image/svg+xml")


@require_GET
def issuer(request):
    return _json(badges.ob2_issuer() | {"otherIdentifier": badges.issuer_profile()["id"]}, LD_JSON)


@require_GET
def jwks(request):
    signing.key_active()
    return _json(signing.jwks())


@require_GET
def status_list(request, list_id):
    if list_id != badges.STATUS_LIST_ID:
        raise Http404
    if request.GET.get("format") == "jwt":
        return _jwt(badges.status_list_jwt())
    return _json(badges.status_list_credential(), VC_JSON)


@login_required
@require_GET
def register_export(request, register_id):
    """Points per accredited activity and period for the register's provider portal."""
    if not permissions.is_platform_admin(request.user):
        raise Http404
    register = get_object_or_404(Register, pk=register_id)
    try:
        start = datetime.date.fromisoformat(request.GET.get("from", "2000-01-01"))
        end = datetime.date.fromisoformat(request.GET.get("to", "2999-12-31"))
    except ValueError:
        return HttpResponse(_("Ongeldige datum."), status=400)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponse(_("Onbekend formaat."), status=400)
    return export_response(
        fmt=fmt,
        name=f"{register.name} {start} {end}",
        headers=selectors.REGISTER_EXPORT_HEADERS,
        rows=selectors.register_export_rows(register=register, start=start, end=end),
        title=register.name,
    )
