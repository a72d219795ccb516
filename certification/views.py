"""Front-end screens of 'School met Glans' (under certificering/): the school's overview
with pre-checks, the handbook diff, the dossier and the audit steps, the auditor's work
list, the certificate and the public verification and register pages."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from glans_learning.core import pdf as core_pdf
from glans_learning.core.links import absolute_url, issuer_name
from glans_learning.core.pdf import pdf_available
from glans_learning.measurement.permissions import visible_board
from glans_learning.organisations.models import OrganisationUnit
from glans_learning.organisations.permissions import (
    certificate_units,
    certification_units,
    has_perm,
    in_handbook_team,
    may_audit_unit,
    writes_handbook_of,
)
from glans_learning.organisations.utils import parse_id

from . import board as board_selectors
from . import lifecycle, selectors, services
from .models import Application, Certificate, Criterion, Verdict
from .permissions import log_actor_labels, second_auditor_candidates


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
        {"board": board, "rows": board_selectors.board_overview(board=board)},
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
    return _application_page(request, application)


def _application_page(request, application, *, posted=None, errors=None, status=200):
    """The application with its criteria on one page. ``posted`` (criterion id → verdict,
    remarks) and ``errors`` (criterion id → messages) re-show a refused review."""
    auditor = may_audit_unit(request.user, application.unit)
    reviews = {r.criterion_id: r for r in application.reviews.all()}
    prechecks = {row.get("code"): row for row in application.dossier.get("prechecks", [])}
    posted, errors = posted or {}, errors or {}
    criteria = []
    for c in application.criterion_set.criteria.all():
        review = reviews.get(c.pk)
        verdict, remarks = posted.get(
            c.pk, (review.verdict if review else "", review.remarks if review else "")
        )
        check = prechecks.get(c.code, {})
        criteria.append(
            {
                "criterion": c,
                "review": review,
                "precheck": check,
                "precheck_failed": check.get("met") is False,
                "verdict": verdict,
                "remarks": remarks,
                "errors": errors.get(str(c.pk), []),
            }
        )
    other_auditors = []
    if auditor:
        other_auditors = second_auditor_candidates(request.user, application.unit)
    events = list(application.events.all())
    actors = log_actor_labels(request.user, application, events)
    for event in events:
        event.actor_label = actors.get(event.actor_id, "")
    return render(
        request,
        "glans_certification/application.html",
        {
            "application": application,
            "dossier": application.dossier,
            "criteria": criteria,
            "events": events,
            "auditor": auditor,
            "verdicts": Verdict.choices,
            "other_auditors": other_auditors,
            "certificate": Certificate.objects.filter(application=application).first(),
            "review_errors": bool(errors),
        },
        status=status,
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
            if data.get("complete") not in ("yes", "no"):
                raise ValidationError(_("Kies of het dossier compleet is."))
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
        elif name == "review_all":
            return _review_all(request, application)
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
            if data.get("outcome") not in ("certified", "not_yet"):
                raise ValidationError(_("Kies een besluit: gecertificeerd of nog niet."))
            second = None
            if data.get("second_auditor"):
                # Only someone the form offered (the same rule as the service's).
                second = (
                    second_auditor_candidates(user, application.unit)
                    .filter(pk=_maybe_id(data.get("second_auditor")))
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


def _review_all(request, application):
    """Every criterion of the application judged in one form; saved through
    services.criteria_review (all or nothing). A refusal shows the page again with what
    the auditor wrote, each message next to its criterion."""
    posted, verdicts = {}, {}
    for criterion in application.criterion_set.criteria.all():
        verdict = request.POST.get(f"verdict-{criterion.pk}", "")
        remarks = request.POST.get(f"remarks-{criterion.pk}", "")
        posted[criterion.pk] = (verdict, remarks)
        verdicts[criterion] = (verdict, remarks)
    try:
        saved = services.criteria_review(
            application=application, user=request.user, verdicts=verdicts
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        if not errors:
            _refusal(request, exc)
        else:
            messages.error(request, _("Niet opgeslagen: kijk bij de gemarkeerde criteria."))
        application.refresh_from_db()
        return _application_page(request, application, posted=posted, errors=errors, status=400)
    messages.success(
        request,
        ngettext("%(count)s criterium vastgelegd.", "%(count)s criteria vastgelegd.", len(saved))
        % {"count": len(saved)},
    )
    return redirect(reverse("glans_certification:application", args=[application.pk]) + "#criteria")


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
            "verify_url": absolute_url(
                reverse("glans_certification:verify", args=[cert.code]), request
            ),
            "may_write": writes_handbook_of(request.user, cert.unit),
            "may_revoke": has_perm(request.user, "glans_certification.revoke", cert.unit),
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
            "issuer": issuer_name(),
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
def rubric(request):
    """The rubric 'School met Glans', rendered from the current criteria (no personal data)."""
    return render(request, "glans_certification/rubric.html", selectors.rubric())


@login_required
def year_report(request, unit_id):
    """The one-page Glans year report (issue #25), as a page and, with ?pdf=1, a PDF the
    director shares with parents and the MR. Totals only."""

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
