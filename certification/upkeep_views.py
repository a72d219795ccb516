"""Screens around the certificate and the handbook's work in progress: the certificate and
dossier PDFs, the yearly check-in (the school confirms, the auditor accepts), and the
handbook's comments and attachments (the school's own team only; auditors see attachments
only as listed in a frozen dossier)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from glans_learning.core import pdf as core_pdf
from glans_learning.core.pdf import PdfUnavailable
from glans_learning.organisations.permissions import (
    in_handbook_team,
    may_audit_unit,
    writes_handbook_of,
)
from glans_learning.organisations.utils import parse_id

from . import documents, lifecycle, selectors, services
from .models import CheckIn, Handbook, HandbookAttachment
from .views import _application_or_404, _certificate_or_404, _refusal

NO_PDF = gettext_lazy(
    "Een PDF kan op deze server nog niet gemaakt worden (WeasyPrint ontbreekt). U kunt deze "
    "pagina wel afdrukken; de beheerder kan de PDF-module installeren."
)


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def certificate_pdf(request, certificate_id):
    cert = _certificate_or_404(request.user, certificate_id)
    if cert.revoked_at is not None:
        messages.error(request, _("Dit certificaat is ingetrokken; er is geen PDF meer van."))
        return redirect("glans_certification:certificate", cert.pk)
    if not cert.pdf:
        # The task makes it after the decision; if it has not run yet, the same idempotent
        # service makes it now (never a second file).
        try:
            cert = documents.certificate_pdf_make(certificate_id=cert.pk)
        except PdfUnavailable:
            messages.error(request, str(NO_PDF))
            return redirect("glans_certification:certificate", cert.pk)
    return _pdf_response(cert.pdf, f"school-met-glans-{cert.code}.pdf")


@login_required
@require_GET
def dossier_pdf(request, application_id):
    application = _application_or_404(request.user, application_id)
    if not core_pdf.pdf_available():
        messages.error(request, str(NO_PDF))
        return redirect("glans_certification:application", application.pk)
    return _pdf_response(documents.dossier_pdf(application), f"dossier-{application.pk}.pdf")


# --- yearly check-in -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, certificate_id):
    cert = _certificate_or_404(request.user, certificate_id)
    may_write = writes_handbook_of(request.user, cert.unit)
    if request.method == "POST":
        try:
            services.checkin_confirm(
                certificate=cert, user=request.user, remarks=request.POST.get("remarks", "")
            )
            messages.success(
                request,
                _("Dank jullie wel! De check-in is vastgelegd; de auditor kijkt ernaar."),
            )
            return redirect("glans_certification:certificate", cert.pk)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            _refusal(request, exc)
        return redirect("glans_certification:checkin", cert.pk)
    year = selectors.current_year()
    handbook = selectors.handbook_for(unit=cert.unit, school_year=year) if year else None
    checks = selectors.prechecks(unit=cert.unit, school_year=year) if year else []
    return render(
        request,
        "glans_certification/checkin.html",
        {
            "certificate": cert,
            "state": lifecycle.certificate_state(cert),
            "due": lifecycle.current_checkin_due(cert),
            "handbook": handbook,
            "measurement": [r for r in checks if r["criterion"].evidence_type == "measurement"],
            "checkins": cert.checkins.select_related("confirmed_by", "accepted_by"),
            "may_write": may_write,
            "auditor": may_audit_unit(request.user, cert.unit),
        },
    )


@login_required
@require_POST
def checkin_accept(request, checkin_id):
    found = (
        CheckIn.objects.select_related("certificate", "certificate__unit")
        .filter(pk=parse_id(checkin_id))
        .first()
    )
    if found is None or not may_audit_unit(request.user, found.certificate.unit):
        raise Http404
    try:
        services.checkin_accept(
            checkin=found, user=request.user, remarks=request.POST.get("remarks", "")
        )
        messages.success(request, _("Vastgelegd. De school ziet uw reactie bij de check-in."))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _refusal(request, exc)
    return redirect("glans_certification:checkin", found.certificate_id)


# --- comments and attachments ------------------------------------------------------------


def _handbook_or_404(user, handbook_id) -> Handbook:
    handbook = (
        Handbook.objects.select_related("unit", "school_year", "criterion_set")
        .filter(pk=parse_id(handbook_id))
        .first()
    )
    if handbook is None or not in_handbook_team(user, handbook.unit):
        raise Http404
    return handbook


@login_required
@require_http_methods(["GET", "POST"])
def workspace(request, handbook_id):
    """Per section: the team's comments and the attachments."""
    handbook = _handbook_or_404(request.user, handbook_id)
    if request.method == "POST":
        data = request.POST
        try:
            if data.get("action") == "attach":
                services.attachment_add(
                    handbook=handbook,
                    user=request.user,
                    criterion_id=_int(data.get("criterion")),
                    title=data.get("title", ""),
                    upload=request.FILES.get("file"),
                )
                messages.success(request, _("De bijlage is toegevoegd."))
            elif data.get("action") == "remove":
                attachment = handbook.attachments.filter(pk=_int(data.get("attachment"))).first()
                if attachment is None:
                    raise ValidationError(_("Deze bijlage bestaat niet (meer)."))
                services.attachment_remove(attachment=attachment, user=request.user)
                messages.success(request, _("De bijlage is uit het handboek gehaald."))
            else:
                services.comment_add(
                    handbook=handbook,
                    user=request.user,
                    criterion_id=_int(data.get("criterion")),
                    body=data.get("body", ""),
                )
                messages.success(request, _("Dank voor je opmerking."))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            _refusal(request, exc)
        return redirect("glans_certification:workspace", handbook.pk)
    return render(
        request,
        "glans_certification/workspace.html",
        {
            "handbook": handbook,
            "sections": selectors.handbook_workspace(handbook=handbook),
            "may_write": writes_handbook_of(request.user, handbook.unit),
        },
    )


def _int(value) -> int | None:
    try:
        return parse_id(value)
    except Http404:
        return None


def _file_response(attachment: HandbookAttachment):
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    ext = attachment.file.name.rsplit(".", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=f"bijlage-{attachment.pk}.{ext}")


@login_required
@require_GET
def attachment_download(request, attachment_id):
    attachment = (
        HandbookAttachment.objects.select_related("handbook__unit")
        .filter(pk=parse_id(attachment_id), removed_at__isnull=True)
        .first()
    )
    if attachment is None or not in_handbook_team(request.user, attachment.handbook.unit):
        raise Http404
    return _file_response(attachment)


@login_required
@require_GET
def dossier_attachment(request, application_id, attachment_id):
    """An attachment as listed in the frozen dossier, for everyone who reads the dossier."""
    application = _application_or_404(request.user, application_id)
    attachment = selectors.dossier_attachment(
        application=application, attachment_id=parse_id(attachment_id)
    )
    if attachment is None:
        raise Http404
    return _file_response(attachment)
