"""Front-end views for learning: answering activities and face-to-face sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from glans_learning.core.exports import export_response
from glans_learning.organisations import permissions
from glans_learning.organisations.utils import parse_id

from .. import selectors, services, staff_import
from ..forms import TeamEnrolForm, TeamFilterForm
from ..models import (
    Attendance,
    LearnerPreference,
    LessonPage,
    LessonStatus,
    ProgrammeCompletion,
    ProgrammePage,
)
from ..navigation import page_url
from .team import calendar_feed_url


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _programme_finished(user, lesson) -> bool:
    programme_path = lesson.path[: -2 * LessonPage.steplen]
    return ProgrammeCompletion.objects.filter(user=user, programme__path=programme_path).exists()


def _saved_message(request, lesson, finished_before: bool, text: str) -> None:
    """The usual confirmation, or, when this step finished the programme, a congratulation
    with the way to the certificate and the registration points."""
    if finished_before or not _programme_finished(request.user, lesson):
        messages.success(request, text)
        return
    programme = ProgrammePage.objects.filter(path=lesson.path[: -2 * LessonPage.steplen]).first()
    try:
        mine = reverse("glans_credentials:mine")
    except NoReverseMatch:  # a host without the credentials app
        mine = None
    congratulation = _("Gefeliciteerd! Je hebt %(programme)s afgerond.") % {
        "programme": programme.title if programme else ""
    }
    if mine:
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                congratulation,
                mine,
                _("Bekijk je certificaat en je registratiepunten"),
            ),
        )
    else:
        messages.success(request, congratulation)


@login_required
@require_POST
def activity_submit(request, lesson_id, block_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=parse_id(lesson_id))
    finished_before = _programme_finished(request.user, lesson)
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
        _saved_message(request, lesson, finished_before, _("Je antwoord is opgeslagen."))
    return redirect(f"{lesson.url}#activiteit-{block_id}")


@login_required
def session_list(request):
    # Only sessions that are for the user (a teacher is not offered TdT meetings), plus
    # those they registered for or manage.
    registered = set(request.user.glans_session_registrations.values_list("session_id", flat=True))
    managed = set(selectors.sessions_managed_by(request.user).values_list("pk", flat=True))
    open_ids = set(selectors.sessions_open_to(request.user).values_list("pk", flat=True))
    sessions = (
        selectors.sessions_visible_to(request.user)
        .filter(pk__in=open_ids | registered | managed)
        .select_related("programme", "unit")
        .order_by("starts_at")
    )
    return render(
        request,
        "glans_courses/session_list.html",
        {
            "sessions": sessions,
            "registered": registered,
            "managed": managed,
            "may_plan_team": permissions.may_plan_team_sessions(request.user),
            "open_ids": open_ids,
            "now": timezone.now(),
        },
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
        if not selectors.sessions_open_to(request.user).filter(pk=session.pk).exists():
            raise Http404  # not a session for this user (a teacher and a TdT meeting)
        try:
            services.session_register(user=request.user, session=session)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Je bent aangemeld voor deze bijeenkomst."))
    return redirect("glans_courses:sessions")


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
        errors, changes = [], []
        for registration in registrations:
            value = request.POST.get(f"attendance-{registration.user_id}")
            if value is None:
                continue
            note = request.POST.get(f"note-{registration.user_id}", "")
            if value not in Attendance.values:
                errors.append(
                    _("Kies een geldige aanwezigheid voor: %(names)s.")
                    % {
                        "names": registration.user.get_full_name()
                        or registration.user.get_username()
                    }
                )
            elif value != registration.attendance or note != registration.attendance_note:
                try:
                    services.attendance_check(
                        by=request.user,
                        session=session,
                        user_id=registration.user_id,
                        attendance=value,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    text = _error_text(exc) if isinstance(exc, ValidationError) else ""
                    who = registration.user.get_full_name() or registration.user.get_username()
                    errors.append(f"{who}: {text}" if text else who)
                else:
                    changes.append((registration, value, note))
        if errors:
            messages.error(request, " ".join(dict.fromkeys(errors)))
        else:
            with transaction.atomic():
                for registration, value, note in changes:
                    services.attendance_record(
                        by=request.user,
                        session=session,
                        user_id=registration.user_id,
                        attendance=value,
                        note=note,
                    )
            messages.success(request, _("De aanwezigheid is opgeslagen."))
            return redirect("glans_courses:attendance", session_id=session.pk)
    return render(
        request,
        "glans_courses/session_attendance.html",
        {"session": session, "registrations": registrations, "choices": Attendance.choices},
    )


def search(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results, failed = selectors.lesson_search(request=request, query=query)
    return render(
        request,
        "glans_courses/search.html",
        {"query": query, "results": results, "failed": failed},
    )


# --- enrolment, progress and dashboards -------------------------------------------------


@login_required
@require_POST
def enrol_self(request, programme_id):
    programme = get_object_or_404(ProgrammePage.objects.live(), pk=parse_id(programme_id))
    try:
        services.enrol(user=request.user, programme=programme, by=request.user)
    except PermissionDenied:
        messages.error(request, _("Voor dit programma schrijft je school je in."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Je bent ingeschreven. Veel leerplezier!"))
    return redirect(programme.url)


@login_required
@require_POST
def lesson_done(request, lesson_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=parse_id(lesson_id))
    finished_before = _programme_finished(request.user, lesson)
    try:
        services.lesson_mark_done(user=request.user, lesson=lesson)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        _saved_message(request, lesson, finished_before, _("De les is afgerond."))
    return redirect(lesson.url)


@login_required
@require_http_methods(["GET", "POST"])
def my_route(request):
    if request.method == "POST":
        services.reminders_set(user=request.user, enabled=request.POST.get("reminders") == "on")
        messages.success(request, _("Je voorkeur voor herinneringen is opgeslagen."))
        return redirect("glans_courses:my_route")
    context = selectors.learner_dashboard(user=request.user)
    # Each programme's link as {% pageurl %} gives it, without a look-up of the site.
    context["routes"] = [(s, page_url(s.programme, request)) for s in context["states"]]
    preference = LearnerPreference.objects.filter(user=request.user).first()
    context["reminders_enabled"] = preference.reminders_enabled if preference else True
    context["open_programmes"] = selectors.self_enrolment_programmes(
        user=request.user, enrolled=[s.programme.pk for s in context["states"]]
    )
    context["calendar_feed_url"] = calendar_feed_url(preference)
    return render(request, "glans_courses/my_route.html", context)


def _team_filter(request):
    form = TeamFilterForm(request.GET or None, user=request.user)
    if not any(request.GET.get(name) for name in ("unit", "programme")):
        # First use (also `?&export=csv` from the page's own links): the first unit and
        # programme, with whatever else the request asked for.
        first_unit = form.fields["unit"].queryset.first()
        first_programme = form.fields["programme"].queryset.first()
        data = request.GET.copy()
        data["unit"] = getattr(first_unit, "pk", "")
        data["programme"] = getattr(first_programme, "pk", "")
        form = TeamFilterForm(data, user=request.user)
    return form


@login_required
def team_dashboard(request):
    form = _team_filter(request)
    # The units the user may follow (permissions.progress_units), as the filter read them.
    if not form.fields["unit"].objects():
        raise Http404
    matrix = None
    if form.is_valid():
        data = form.cleaned_data
        export = request.GET.get("export")
        exporting = export in ("csv", "xlsx")
        matrix = selectors.team_progress(
            unit=data["unit"],
            programme=data["programme"],
            school_year=data["school_year"],
            role=data["role"],
            # The screen shows a page of the team; an export holds every learner.
            page=None if exporting else (request.GET.get("page") or 1),
        )
        if exporting:
            return _team_export(matrix, data, export)
    return render(request, "glans_courses/team_dashboard.html", {"form": form, "matrix": matrix})


def _team_export(matrix, data, fmt):
    labels = dict(Attendance.choices)
    status_labels = dict(LessonStatus.choices)
    headers = [_("Naam"), _("E-mail"), _("Schooljaar")]
    headers += [m.title for m in matrix["modules"]]
    headers += [f"{s.title} ({s.starts_at:%d-%m-%Y})" for s in matrix["sessions"]]
    headers += [
        _("Voortgang (%)"),
        _("Nog open"),
        _("Afgerond op"),
        _("Laatste activiteit"),
        _("Vastgelopen"),
    ]
    rows = []
    for row in matrix["rows"]:
        user = row["user"]
        rows.append(
            [user.get_full_name() or user.username, user.email, str(row["enrollment"].school_year)]
            + [f"{status_labels[c['status']]} ({c['done']}/{c['total']})" for c in row["cells"]]
            + [str(labels[r.attendance]) if r else "–" for r in row["sessions"]]
            + [
                row["percent"],
                " · ".join(str(item) for item in row["open"]),
                timezone.localtime(row["completed_at"]).date() if row["completed_at"] else None,
                row["last_activity"],
                _("ja") if row["stalled"] else _("nee"),
            ]
        )
    return export_response(
        fmt=fmt,
        name=f"voortgang-{data['unit'].name}-{data['programme'].title}",
        headers=headers,
        rows=rows,
        title=str(_("Voortgang")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_enrol(request, unit_id):

    unit = permissions.progress_units(request.user).filter(pk=parse_id(unit_id)).first()
    if unit is None:
        raise Http404
    form = TeamEnrolForm(request.POST or None, request.FILES or None, unit=unit)
    problems = []
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        upload = form.cleaned_data.get("staff_file")
        try:
            if upload:
                result, problems = staff_import.import_staff(
                    by=request.user, unit=unit, programme=programme, upload=upload
                )
                if result is not None:
                    messages.success(
                        request,
                        ngettext(
                            "%(n)s persoon ingeschreven, van wie %(c)s nieuw in het team.",
                            "%(n)s personen ingeschreven, van wie %(c)s nieuw in het team.",
                            result.enrolled,
                        )
                        % {"n": result.enrolled, "c": result.created_people},
                    )
                    if result.created_people:
                        # The same words whether an address was new or had an account.
                        messages.info(
                            request,
                            _(
                                "Wie nieuw is in het team, krijgt een uitnodiging per e-mail. "
                                "Wie al een account heeft, doet pas mee na het accepteren "
                                "van die uitnodiging."
                            ),
                        )
            else:
                count = services.enrol_members(
                    by=request.user,
                    unit=unit,
                    programme=programme,
                    user_ids=[int(x) for x in form.cleaned_data["members"]],
                )
                messages.success(
                    request,
                    ngettext("%(n)s teamlid ingeschreven.", "%(n)s teamleden ingeschreven.", count)
                    % {"n": count},
                )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            if not problems:
                return redirect(
                    f"{reverse('glans_courses:team')}?unit={unit.pk}&programme={programme.pk}"
                )
    return render(
        request, "glans_courses/team_enrol.html", {"form": form, "unit": unit, "problems": problems}
    )
