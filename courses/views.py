"""Front-end views for learning: answering activities and face-to-face sessions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from organisations.utils import parse_id

from . import selectors, services
from .models import Attendance, LessonPage


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_POST
def activity_submit(request, lesson_id, block_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=parse_id(lesson_id))
    try:
        services.activity_submit(
            user=request.user,
            lesson=lesson,
            block_id=block_id,
            answer=request.POST.get("answer"),
            choice=request.POST.get("choice"),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Je antwoord is opgeslagen."))
    return redirect(f"{lesson.url}#activiteit-{block_id}")


@login_required
def session_list(request):
    sessions = (
        selectors.sessions_visible_to(request.user)
        .select_related("programme", "unit")
        .order_by("starts_at")
    )
    registered = set(request.user.glans_session_registrations.values_list("session_id", flat=True))
    managed = set(selectors.sessions_managed_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "courses/session_list.html",
        {"sessions": sessions, "registered": registered, "managed": managed},
    )


@login_required
@require_POST
def session_registration(request, session_id):
    session = selectors.sessions_visible_to(request.user).filter(pk=parse_id(session_id)).first()
    if session is None:
        raise Http404
    if request.POST.get("action") == "unregister":
        if services.session_unregister(user=request.user, session=session):
            messages.success(request, _("Je bent afgemeld voor deze bijeenkomst."))
        else:
            messages.error(
                request, _("Afmelden kan niet meer: je aanwezigheid is al geregistreerd.")
            )
    else:
        try:
            services.session_register(user=request.user, session=session)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Je bent aangemeld voor deze bijeenkomst."))
    return redirect("glans_courses:sessions")


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=gettext_lazy("Aanwezigheid"), choices=Attendance.choices)
    note = forms.CharField(label=gettext_lazy("Toelichting"), max_length=250, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, session_id):
    session = selectors.sessions_managed_by(request.user).filter(pk=parse_id(session_id)).first()
    if session is None:
        raise Http404
    registrations = session.registrations.select_related("user").order_by(
        "user__last_name", "user__first_name"
    )
    if request.method == "POST":
        errors = []
        for registration in registrations:
            value = request.POST.get(f"attendance-{registration.user_id}")
            if value is None:
                continue
            if value not in Attendance.values:
                errors.append(registration.user.get_full_name() or registration.user.get_username())
        if errors:
            messages.error(
                request,
                _("Kies een geldige aanwezigheid voor: %(names)s.") % {"names": ", ".join(errors)},
            )
        else:
            for registration in registrations:
                value = request.POST.get(f"attendance-{registration.user_id}")
                if value is not None and (
                    value != registration.attendance
                    or request.POST.get(f"note-{registration.user_id}", "")
                    != registration.attendance_note
                ):
                    services.attendance_record(
                        by=request.user,
                        session=session,
                        user_id=registration.user_id,
                        attendance=value,
                        note=request.POST.get(f"note-{registration.user_id}", ""),
                    )
            messages.success(request, _("De aanwezigheid is opgeslagen."))
            return redirect("glans_courses:attendance", session_id=session.pk)
    return render(
        request,
        "courses/session_attendance.html",
        {"session": session, "registrations": registrations, "choices": Attendance.choices},
    )


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = []
    if query:
        results = list(LessonPage.objects.live().search(query)[:50])
    return render(request, "courses/search.html", {"query": query, "results": results})
