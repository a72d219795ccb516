"""Front-end views for team-session mode (plan from a trainer guide, invite the team, present
the guide, the team's attendance list), a session's own page, the learner's calendar feed and
the learner's logbook. Thin: they call services and selectors."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from glans_learning.core.pdf import qr_svg
from glans_learning.organisations import permissions
from glans_learning.organisations.utils import parse_id

from .. import live_sessions, selectors, team_sessions
from ..calendar import absolute_url, sessions_calendar
from ..forms import TeamSessionForm
from ..models import Attendance, LearnerPreference, LessonPage, LiveCheckIn, Session
from ..selectors.guides import (
    guide_kit_links,
    guide_minutes,
    guide_place,
    guide_timeline,
    step_slide_numbers,
)
from ..selectors.logbook import learner_logbook
from ..trainer_kits import guide_kit


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _visible_session(user, session_id) -> Session:
    session = (
        selectors.sessions_visible_to(user)
        .select_related("programme", "unit", "guide")
        .filter(pk=parse_id(session_id))
        .first()
    )
    if session is None:
        raise Http404
    return session


@login_required
@require_GET
def session_detail(request, session_id):
    session = _visible_session(request.user, session_id)
    managed = selectors.sessions_managed_by(request.user).filter(pk=session.pk).exists()
    registration = session.registrations.filter(user=request.user).first()
    team = session.kind == Session.Kind.TEAM and session.unit_id is not None
    return render(
        request,
        "glans_courses/session_detail.html",
        {
            "session": session,
            "managed": managed,
            "team": team,
            "registration": registration,
            "past": session.ends_at < timezone.now(),
            "kit_links": (
                guide_kit_links(session.guide, user=request.user, request=request)
                if session.guide_id
                else []
            ),
            "may_present": session.guide_id and permissions.may_present_guide(request.user),
        },
    )


@login_required
@require_GET
def session_ics(request, session_id):
    session = _visible_session(request.user, session_id)
    response = HttpResponse(
        sessions_calendar([session], method="PUBLISH"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="bijeenkomst.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def team_session_plan(request):
    if not permissions.may_plan_team_sessions(request.user):
        raise Http404
    initial, guide = {}, None
    raw_guide = request.GET.get("handleiding", "")
    if raw_guide.isdigit() and len(raw_guide) < 12:
        guide = LessonPage.objects.live().filter(pk=int(raw_guide), is_trainer_guide=True).first()
    if guide is not None:
        initial = {"guide": guide.pk, "minutes": guide_minutes(guide)}
    form = TeamSessionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        try:
            session = team_sessions.team_session_plan(
                by=request.user,
                unit=data["unit"],
                guide=data["guide"],
                starts_at=starts_at,
                minutes=data["minutes"],
                location=data["location"],
                title=data["title"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        except PermissionDenied:
            messages.error(
                request, _("Je kunt alleen voor je eigen school een bijeenkomst plannen.")
            )
        else:
            messages.success(
                request,
                _("De teambijeenkomst is gepland. Nodig nu het team uit."),
            )
            return redirect("glans_courses:session_detail", session_id=session.pk)
    return render(request, "glans_courses/team_session_plan.html", {"form": form, "guide": guide})


@login_required
@require_POST
def team_invite(request, session_id):
    session = _visible_session(request.user, session_id)
    try:
        team_sessions.team_invite(by=request.user, session=session)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _(
                "De uitnodigingen worden verstuurd. Wie al een uitnodiging kreeg, krijgt er geen "
                "tweede."
            ),
        )
    return redirect("glans_courses:session_detail", session_id=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def team_attendance(request, session_id):
    session = selectors.sessions_managed_by(request.user).filter(pk=parse_id(session_id)).first()
    if session is None or session.kind != Session.Kind.TEAM or session.unit_id is None:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "all_present":
                count = team_sessions.team_everyone_present(by=request.user, session=session)
            else:
                marks = {}
                for row in selectors.team_roster(session=session):
                    value = request.POST.get(f"attendance-{row['user'].pk}")
                    if value is None:
                        continue
                    if value not in Attendance.values:
                        raise ValidationError(_("Kies een geldige aanwezigheid."))
                    marks[row["user"].pk] = value
                count = team_sessions.team_attendance_record(
                    by=request.user, session=session, marks=marks
                )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request, _("De aanwezigheid is opgeslagen (%(n)s gewijzigd).") % {"n": count}
            )
            return redirect("glans_courses:team_attendance", session_id=session.pk)
    rows = selectors.team_roster(session=session)
    present = sum(1 for r in rows if r["registration"] and r["registration"].attended)
    return render(
        request,
        "glans_courses/team_attendance.html",
        {
            "session": session,
            "rows": rows,
            "choices": Attendance.choices,
            "present": present,
            "open": session.starts_at <= timezone.now(),
        },
    )


@login_required
@require_GET
def guide_present(request, lesson_id):
    guide = get_object_or_404(
        LessonPage.objects.live().filter(is_trainer_guide=True), pk=parse_id(lesson_id)
    )
    if not permissions.may_present_guide(request.user):
        raise Http404
    programme, module = guide_place(guide)
    steps = guide_timeline(guide)
    # Each step shows the guide's slides it names ("(dia 3)"), from the guide's "Dia's" part.
    slides = guide_kit(lesson=guide).slides
    numbers = {slide.number for slide in slides}
    return render(
        request,
        "glans_courses/guide_present.html",
        {
            "live": _live_panel(request, guide),
            "guide": guide,
            "module": module,
            "programme": programme,
            "steps": steps,
            "total": max((s.end for s in steps), default=0),
            "slides": slides,
            "steps_json": [
                {
                    "title": s.title,
                    "who": s.who,
                    "minutes": s.minutes,
                    "slides": [n for n in step_slide_numbers(s.title) if n in numbers],
                }
                for s in steps
            ],
            "kit_links": guide_kit_links(guide, user=request.user, request=request),
        },
    )


@login_required
@require_GET
def logbook(request):
    programmes = learner_logbook(user=request.user)
    if request.GET.get("pdf"):
        return _logbook_pdf(request, programmes)
    return render(
        request,
        "glans_courses/logbook.html",
        {"programmes": programmes, "pdf_available": _weasyprint() is not None},
    )


def _weasyprint():
    try:
        from weasyprint import HTML  # noqa: PLC0415 - optional: the pdf extra
    except (ImportError, OSError):  # the `pdf` extra, or its system libraries, are missing
        return None
    return HTML


def _logbook_pdf(request, programmes):
    html_class = _weasyprint()
    if html_class is None:
        raise Http404
    html = render_to_string(
        "glans_courses/logbook_pdf.html",
        {"programmes": programmes, "user": request.user},
        request=request,
    )
    response = HttpResponse(html_class(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="glans-logboek.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed_manage(request):
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            team_sessions.calendar_feed_stop(user=request.user)
            messages.success(request, _("Je agenda-abonnement is stopgezet."))
        else:
            team_sessions.calendar_feed_reset(user=request.user)
            messages.success(
                request, _("Je hebt een nieuw agenda-adres. Het oude adres werkt niet meer.")
            )
        return redirect(f"{reverse('glans_courses:my_route')}#agenda")
    raise Http404


@require_GET
def calendar_feed(request, token):
    """The learner's sessions as an iCal feed at a secret address; no login (calendar apps
    cannot log in). An unknown or reset token is a 404."""
    if not token or len(token) > 64:
        raise Http404
    preference = (
        LearnerPreference.objects.filter(calendar_token=token).select_related("user").first()
    )
    if preference is None or not preference.user.is_active:
        raise Http404
    sessions = (
        Session.objects.filter(registrations__user=preference.user)
        .select_related("programme")
        .order_by("starts_at")
    )
    response = HttpResponse(
        sessions_calendar(sessions, name=_("GLANS-bijeenkomsten")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def calendar_feed_url(preference) -> str:
    """The learner's calendar feed address from their LearnerPreference (or None), or ""."""
    if preference is None or not preference.calendar_token:
        return ""
    return absolute_url(reverse("glans_courses:calendar_feed", args=[preference.calendar_token]))


# --- the session run from the projector (issue #25) -------------------------------------


def _managed_session(user, session_id) -> Session:
    session = (
        selectors.sessions_managed_by(user)
        .select_related("guide")
        .filter(pk=parse_id(session_id))
        .first()
    )
    if session is None:
        raise Http404
    return session


def _live_panel(request, guide):
    """With ?bijeenkomst=<id> of a session of this guide the presenter manages: the code,
    its QR, who said they are there and the spread (polled as JSON)."""

    session_id = request.GET.get("bijeenkomst")
    if not session_id:
        return None
    session = _managed_session(request.user, session_id)
    if session.guide_id != guide.pk:
        raise Http404
    live = live_sessions.live_code_start(by=request.user, session=session)
    join_url = request.build_absolute_uri(reverse("glans_courses:live_join", args=[live.code]))
    return {
        "session": session,
        "code": live,
        "join_url": join_url,
        "qr": qr_svg(join_url),
        "checkins": session.live_checkins.select_related("user"),
        "state_url": reverse("glans_courses:live_state", args=[session.pk]),
    }


@login_required
@require_GET
def live_state(request, session_id):
    """The projector polls this: counts only (check-ins, confirmed, spread per case)."""

    session = _managed_session(request.user, session_id)
    return JsonResponse(live_sessions.live_state(session=session))


@login_required
@require_POST
def live_confirm(request, session_id):

    session = _managed_session(request.user, session_id)
    ids = [int(v) for v in request.POST.getlist("user") if v.isdigit()]
    try:
        n = live_sessions.live_confirm(by=request.user, session=session, user_ids=ids)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(
            request,
            _error_text(exc) if isinstance(exc, ValidationError) else _("Dat mag niet."),
        )
    else:
        messages.success(request, _("%(n)s aanwezigen bevestigd.") % {"n": n})
    if session.guide_id is None:
        return redirect("glans_courses:session_detail", session.pk)
    return redirect(
        f"{reverse('glans_courses:guide_present', args=[session.guide_id])}?bijeenkomst={session.pk}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def live_join(request, code=""):
    """On a colleague's phone: the code from the projector, "Ik ben er" and the session's
    calibration cases, answered anonymously."""

    code = (request.POST.get("code") or code or request.GET.get("code", "")).strip().upper()
    if not code:
        return render(request, "glans_courses/live_join.html", {"session": None})
    try:
        session = live_sessions.live_session_for(code)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return render(request, "glans_courses/live_join.html", {"session": None})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "answer":
                live_sessions.calibration_answer(
                    user=request.user,
                    code=code,
                    case=int(case) if (case := request.POST.get("case", "")).isdigit() else 0,
                    value=request.POST.get("value", ""),
                )
                messages.success(request, _("Je antwoord telt mee, zonder je naam."))
            elif request.POST.get("action") == "checkin":
                live_sessions.live_checkin(user=request.user, code=code)
                messages.success(request, _("Gemeld. De trainer bevestigt wie er is."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("glans_courses:live_join", code=code)
    checkin = LiveCheckIn.objects.filter(session=session, user=request.user).first()
    return render(
        request,
        "glans_courses/live_join.html",
        {
            "session": session,
            "code": code,
            "checkin": checkin,
            "cases": live_sessions.calibration_cases(session) if checkin else [],
            "answers": live_sessions.ANSWERS,
        },
    )
