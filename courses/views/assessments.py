"""Screens of the practical assessment: the participant records their team session, an academy
trainer confirms it with the rubric (writes through ``courses.assessments``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from glans_learning.organisations import permissions
from glans_learning.organisations.utils import parse_id

from .. import assessments
from ..models import Enrollment, PracticalAssessment, ProgrammePage


@login_required
@require_http_methods(["GET", "POST"])
def assessment_record(request, programme_id):
    programme = (
        ProgrammePage.objects.live()
        .filter(pk=parse_id(programme_id), requires_practical_assessment=True)
        .first()
    )
    if (
        programme is None
        or not Enrollment.objects.active().filter(user=request.user, programme=programme).exists()
    ):
        raise Http404
    if request.method == "POST":
        try:
            assessments.assessment_record(
                user=request.user,
                programme=programme,
                session_id=parse_id(request.POST.get("session", "")),
                reflection=request.POST.get("reflection", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Je praktijktoets is ingediend. Een trainer bekijkt hem."))
            return redirect("glans_courses:assessment_record", programme_id=programme.pk)
    assessment = assessments.assessment_for(user=request.user, programme=programme)
    posted = request.POST if request.method == "POST" else {}
    return render(
        request,
        "glans_courses/assessment_record.html",
        {
            "programme": programme,
            "assessment": assessment,
            "sessions": assessments.eligible_sessions(user=request.user, programme=programme),
            "rubric": assessments.RUBRIC,
            "min_chars": assessments.MIN_REFLECTION_CHARS,
            "reflection": posted.get("reflection") or (assessment.reflection if assessment else ""),
            "selected": posted.get("session") or (str(assessment.session_id) if assessment else ""),
        },
    )


@login_required
def assessment_worklist(request):
    if not permissions.is_academy_trainer(request.user):
        raise Http404
    return render(
        request,
        "glans_courses/assessment_worklist.html",
        {"assessments": assessments.open_assessments(), "rubric": assessments.RUBRIC},
    )


@login_required
@require_POST
def assessment_decide(request, assessment_id):
    if not permissions.is_academy_trainer(request.user):
        raise Http404
    confirm = request.POST.get("decision") == "confirm"
    try:
        assessment = assessments.assessment_decide(
            trainer=request.user,
            assessment_id=parse_id(assessment_id),
            checked=request.POST.getlist("rubric"),
            note=request.POST.get("note", ""),
            confirm=confirm,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        if assessment.status == PracticalAssessment.Status.CONFIRMED:
            messages.success(request, _("De praktijktoets is bevestigd."))
        else:
            messages.success(request, _("De praktijktoets is teruggegeven aan de deelnemer."))
    return redirect("glans_courses:assessment_worklist")
