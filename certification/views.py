"""Front-end screens of 'School met Glans' (under certificering/): the school's overview
with pre-checks, the handbook diff, the dossier and the audit steps, the auditor's work
list, the certificate and the public verification and register pages."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from glans_learning.core.pdf import pdf_available
from glans_learning.measurement.permissions import visible_board
from glans_learning.organisations.models import OrganisationUnit
from glans_learning.organisations.permissions import (
    certificate_units,
    certification_units,
    in_handbook_team,
    may_audit_unit,
    writes_handbook_of,
)
from glans_learning.organisations.utils import parse_id

from . import lifecycle, selectors, services
from .models import Application, Certificate, Criterion, Verdict


def _unit_or_404(user, unit_id) -> OrganisationUnit:
    unit = certification_units(user).filter(pk=parse_id(unit_id)).first()
    if unit is None:
        raise Http404
    return unit


def _application_or_404(user, application_id) -> Application:
    application = (
        selectors.visible_applications(user)
        .select_related("criterion_set", "handbook")
        .filter(pk=parse_id(application_id))
        .first()
    )
    if application is None:
        raise Http404
    return application


def _refusal(request, exc):
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


@login_required
def index(request):
    user = request.user
    units = list(certification_units(user).order_by("name")) if not may_audit_unit(user) else []
    if not units and not may_audit_unit(user):
        raise Http404
    if len(units) == 1 and not may_audit_unit(user):
        return redirect("glans_certification:unit", units[0].pk)
    return render(
        request,
        "glans_certification/index.html",
        {"units": units, "auditor": may_audit_unit(user)},
    )


@login_required
def unit_view(request, unit_id):
    unit = _unit_or_404(request.user, unit_id)
    overview = selectors.unit_overview(unit=unit)
    handbook = overview["handbook"]
    edit_url = None
    if handbook is not None and writes_handbook_of(request.user, unit):
        edit_url = reverse("wagtailsnippets_glans_certification_handbook:edit", args=[handbook.pk])
    return render(
        request,
        "glans_certification/unit.html",
        {
            **overview,
            "may_write": writes_handbook_of(request.user, unit),
            "in_team": in_handbook_team(request.user, unit),
            "edit_url": edit_url,
            "met_count": sum(1 for row in overview["prechecks"] if row["met"]),
        },
    )


@login_required
@require_POST
def handbook_start(request, unit_id):
    unit = _unit_or_404(request.user, unit_id)
    year = selectors.current_year()
    try:
        if year is None:
            raise ValidationError(_("Er is geen schooljaar vastgesteld."))
        services.handbook_start(unit=unit, school_year=year, user=request.user)
        messages.success(request, _("Het handboek voor dit schooljaar staat klaar."))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _refusal(request, exc)
    return redirect("glans_certification:unit", unit.pk)


@login_required
def handbook_diff(request, unit_id):
    unit = _unit_or_404(request.user, unit_id)
    year = selectors.current_year()
    handbook = selectors.handbook_for(unit=unit, school_year=year) if year else None
    if handbook is None:
        raise Http404
    return render(
        request,
        "glans_certification/diff.html",
        {"unit": unit, "handbook": handbook, "rows": selectors.handbook_diff(handbook=handbook)},
    )


@login_required
@require_POST
def apply(request, unit_id):
    unit = _unit_or_404(request.user, unit_id)
    try:
        application = services.application_submit(unit=unit, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _refusal(request, exc)
        return redirect("glans_certification:unit", unit.pk)
    messages.success(
        request,
        _("Jullie aanvraag is ingediend. Het dossier is vastgelegd; de auditor neemt contact op."),
    )
    return redirect("glans_certification:application", application.pk)


@login_required
def board_view(request, board_id):
    """The board-level Expertgroep (and the academy): every school's certification state,
    pre-checks met and expiry. Totals only."""
    board = visible_board(request.user, parse_id(board_id))
    if board is None:
        raise Http404
    return render(
        request,
        "glans_certification/board.html",
        {"board": board, "rows": selectors.board_overview(board=board)},
    )


@login_required
def worklist(request):
    if not may_audit_unit(request.user):
        raise Http404
    return render(
        request,
        "glans_certification/worklist.html",
        selectors.auditor_worklist(user=request.user),
    )


@login_required
def application_view(request, application_id):
    application = _application_or_404(request.user, application_id)
    auditor = may_audit_unit(request.user, application.unit)
    reviews = {r.criterion_id: r for r in application.reviews.all()}
    criteria = [
        {"criterion": c, "review": reviews.get(c.pk)}
        for c in application.criterion_set.criteria.all()
    ]
    other_auditors = []
    if auditor:
        from glans_learning.organisations.models import RoleCode

        other_auditors = (
            get_user_model()
            .objects.filter(
                glans_memberships__unit__isnull=True,
                glans_memberships__roles__code=RoleCode.ACADEMY_AUDITOR,
            )
            .exclude(pk=request.user.pk)
            .distinct()
        )
    return render(
        request,
        "glans_certification/application.html",
        {
            "application": application,
            "dossier": application.dossier,
            "criteria": criteria,
            "events": application.events.select_related("actor"),
            "auditor": auditor,
            "verdicts": Verdict.choices,
            "other_auditors": other_auditors,
            "certificate": Certificate.objects.filter(application=application).first(),
        },
    )


def _maybe_id(value) -> int | None:
    try:
        return parse_id(value)
    except Http404:
        return None


def _date(value):
    return parse_date(value or "") if value else None


def _datetime(value):
    parsed = parse_datetime(value or "") if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@login_required
@require_POST
def step(request, application_id):
    application = _application_or_404(request.user, application_id)
    data, user = request.POST, request.user
    name = data.get("step", "")
    try:
        if name == "intake":
            services.intake_record(
                application=application,
                user=user,
                complete=data.get("complete") == "yes",
                remarks=data.get("remarks", ""),
            )
        elif name == "review":
            criterion = Criterion.objects.filter(
                pk=_maybe_id(data.get("criterion")), criterion_set=application.criterion_set_id
            ).first()
            if criterion is None:
                raise ValidationError(_("Kies een criterium van deze aanvraag."))
            services.criterion_review(
                application=application,
                user=user,
                criterion=criterion,
                verdict=data.get("verdict", ""),
                remarks=data.get("remarks", ""),
            )
        elif name == "plan":
            services.conversation_plan(
                application=application,
                user=user,
                at=_datetime(data.get("at")),
                place=data.get("place", ""),
                participants=data.get("participants", ""),
                agenda=data.get("agenda", ""),
            )
        elif name == "report":
            services.conversation_report(
                application=application,
                user=user,
                successes=data.get("successes", ""),
                development=data.get("development", ""),
                cooperation=data.get("cooperation", ""),
                next_steps=data.get("next_steps", ""),
            )
        elif name == "decide":
            second = None
            if data.get("second_auditor"):
                second = (
                    get_user_model()
                    .objects.filter(pk=_maybe_id(data.get("second_auditor")))
                    .first()
                )
                if second is None:
                    raise ValidationError(
                        _("Kies een andere auditor, die niet bij de school hoort.")
                    )
            valid_until = _date(data.get("valid_until"))
            if data.get("valid_until") and valid_until is None:
                raise ValidationError(_("Vul een geldige datum in."))
            services.application_decide(
                application=application,
                user=user,
                certified=data.get("outcome") == "certified",
                remarks=data.get("remarks", ""),
                valid_until=valid_until,
                second_auditor=second,
            )
        elif name == "second":
            services.application_second_approve(application=application, user=user)
        else:
            raise ValidationError(_("Onbekende stap."))
        messages.success(request, _("Vastgelegd."))
    except PermissionDenied:
        raise Http404 from None
    except (ValidationError, ValueError, OverflowError) as exc:
        if isinstance(exc, ValidationError):
            _refusal(request, exc)
        else:
            messages.error(request, _("Vul een geldige datum in."))
    return redirect("glans_certification:application", application.pk)


def _certificate_or_404(user, certificate_id) -> Certificate:
    cert = (
        Certificate.objects.filter(unit__in=certificate_units(user), pk=parse_id(certificate_id))
        .select_related("unit", "application")
        .prefetch_related("checkins")
        .first()
    )
    if cert is None:
        raise Http404
    return cert


@login_required
def certificate_view(request, certificate_id):
    cert = _certificate_or_404(request.user, certificate_id)
    return render(
        request,
        "glans_certification/certificate.html",
        {
            "certificate": cert,
            "verify_url": request.build_absolute_uri(
                reverse("glans_certification:verify", args=[cert.code])
            ),
            "may_write": writes_handbook_of(request.user, cert.unit),
            "may_revoke": request.user.has_perm("glans_certification.revoke", cert.unit),
            "state": lifecycle.certificate_state(cert),
            "pdf_available": bool(cert.pdf) or pdf_available(),
        },
    )


@login_required
@require_POST
def certificate_revoke(request, certificate_id):
    cert = _certificate_or_404(request.user, certificate_id)
    try:
        services.certificate_revoke(
            certificate=cert, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Het certificaat is ingetrokken."))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _refusal(request, exc)
    return redirect("glans_certification:certificate", cert.pk)


@login_required
@require_POST
def certificate_register(request, certificate_id):
    cert = _certificate_or_404(request.user, certificate_id)
    try:
        services.certificate_register(
            certificate=cert, user=request.user, listed=request.POST.get("listed") == "yes"
        )
        messages.success(request, _("Uw keuze voor het openbare register is opgeslagen."))
    except PermissionDenied:
        raise Http404 from None
    return redirect("glans_certification:certificate", cert.pk)


def verify(request, code):
    cert = (
        Certificate.objects.filter(code=(code or "").upper()[:20])
        .select_related("unit")
        .prefetch_related("checkins")
        .first()
    )
    state = lifecycle.certificate_state(cert) if cert else None
    return render(
        request,
        "glans_certification/verify.html",
        {
            "certificate": cert,
            "state": state,
            "valid": bool(state and state["valid"]),
            "code": code,
        },
        status=200 if cert else 404,
    )


def register(request):
    return render(
        request,
        "glans_certification/register.html",
        {"certificates": selectors.public_register(), "today": datetime.date.today()},
    )


@login_required
def year_report(request, unit_id):
    """The one-page Glans year report (issue #25), as a page and, with ?pdf=1, a PDF the
    director shares with parents and the MR. Totals only."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.utils import translation

    from glans_learning.core import pdf as core_pdf

    unit = _unit_or_404(request.user, unit_id)
    report = selectors.year_report(unit=unit)
    if request.GET.get("pdf"):
        if not core_pdf.pdf_available():
            messages.error(
                request, _("PDF maken kan hier niet: de PDF-module is niet geïnstalleerd.")
            )
            return redirect("glans_certification:year_report", unit.pk)
        with translation.override("nl"):
            html = render_to_string("glans_certification/year_report_pdf.html", report)
        response = HttpResponse(core_pdf.html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="glans-jaarverslag-{unit.pk}.pdf"'
        return response
    return render(
        request,
        "glans_certification/year_report.html",
        {**report, "pdf_available": core_pdf.pdf_available()},
    )
