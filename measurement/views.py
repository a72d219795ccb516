"""Screens of the oudervolgsysteem: the teacher's grid, dashboards, imports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from glans_learning.core.exports import export_response
from glans_learning.core.tasks import enqueue
from glans_learning.organisations.models import Board, Group, OrganisationUnit, SchoolYear
from glans_learning.organisations.permissions import is_academy_staff
from glans_learning.organisations.utils import parse_id

from . import imports, permissions, selectors, services, tasks
from .models import FollowUp, ImportJob, Intervisie, NextStep, Rating, RatingValue


@login_required
def index(request):
    context = {
        "groups": permissions.rateable_groups(request.user).order_by("unit__name", "grade", "name"),
        "schools": permissions.school_units(request.user).order_by("name"),
        "boards": Board.objects.filter(pk__in=permissions.board_ids(request.user)),
        "academy": is_academy_staff(request.user),
    }
    context["turnarounds"] = selectors.turnarounds(user=request.user)
    if context["groups"]:
        context["appreciation"] = selectors.appreciation_week(user=request.user, opted_in_only=True)
    if not any(
        [
            context["groups"],
            context["schools"],
            context["boards"],
            context["academy"],
            context["turnarounds"],
        ]
    ):
        raise Http404
    return render(request, "glans_measurement/index.html", context)


@login_required
def group_grid(request, group_id):
    group = (
        Group.objects.select_related("unit", "school_year").filter(pk=parse_id(group_id)).first()
    )
    if group is None or not permissions.can_rate(request.user, group):
        raise Http404
    grid = selectors.group_grid(group=group, user=request.user)
    if grid["show_labels"] and any(r["label"] for r in grid["rows"]):
        services.access_log(
            user=request.user, unit_id=group.unit_id, group_id=group.pk, what="grid"
        )
    return render(
        request,
        "glans_measurement/grid.html",
        {
            "grid": grid,
            "next_steps": NextStep.choices,
            "practice_lessons": selectors.practice_lessons() if grid["open_moment"] else [],
            "appreciation": _group_appreciation(request.user, group),
            "dull_codes": [
                row["code"]
                for row in grid["rows"]
                if row["current"] and row["current"].value == RatingValue.NEGATIVE
            ],
        },
    )


def _group_appreciation(user, group):
    """The teacher's own 3-op-1 week, narrowed to the families of this group; None when the
    teacher has not opted in."""
    week = selectors.appreciation_week(user=user, opted_in_only=True)
    if week is None:
        return None
    return {**week, "families": [rel for rel in week["families"] if rel.group_id == group.pk]}


@login_required
@require_POST
def appreciation_tick(request, group_id):
    """Tick off (or undo) an appreciative message to a family rated neutraal (3-op-1 week)."""
    group = Group.objects.filter(pk=parse_id(group_id)).first()
    if group is None or not permissions.can_rate(request.user, group):
        raise Http404
    value = request.POST.get("relationship", "")
    relationship_id = int(value) if value.isdigit() else 0  # bad input: a message, not a 404
    try:
        services.appreciation_tick(
            user=request.user,
            relationship_id=relationship_id,
            sent=request.POST.get("sent", "1") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('glans_measurement:grid', args=[group.pk])}#appreciation")


@login_required
@require_POST
def appreciation_preference(request):
    """The opt-in of the 3-op-1 week, from the profile (teachers only)."""
    if not permissions.teacher_group_ids(request.user):
        raise Http404
    try:
        services.appreciation_preference_set(
            user=request.user, channel=request.POST.get("channel", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Je keuze voor de 3-op-1-week is opgeslagen."))
    return redirect("glans_accounts:profile")


@login_required
@require_POST
def practice(request, group_id):
    """From dof to practice: record the follow-up step (and the lesson rehearsed with) with
    the teacher's dull rating of a family, from the panel under the grid."""
    group = Group.objects.select_related("unit").filter(pk=parse_id(group_id)).first()
    if group is None or not permissions.can_rate(request.user, group):
        raise Http404
    try:
        services.practice_record(
            user=request.user,
            group=group,
            code=request.POST.get("code", "").strip(),
            next_step=request.POST.get("next_step", ""),
            lesson_slug=request.POST.get("lesson", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("De volgende stap is bij de waardering vastgelegd."))
    return redirect("glans_measurement:grid", group_id=group.pk)


def _year_from(request):
    label = request.GET.get("school_year")
    if label:
        year = SchoolYear.objects.filter(label=label).first()
        if year:
            return year
    return selectors.school_year_default()


def _cell_text(cell):
    if cell["suppressed"]:
        return f"<{cell['min_cell']}"
    return "" if cell["share_positive"] is None else cell["share_positive"]


class IntervisieForm(forms.Form):
    moment = forms.TypedChoiceField(label=gettext_lazy("Meetmoment"), coerce=int)
    held_on = forms.DateField(
        label=gettext_lazy("Datum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    participants = forms.CharField(
        label=gettext_lazy("Wie deden mee"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agreements = forms.CharField(
        label=gettext_lazy("Afspraken"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, moments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moment"].choices = [(m.pk, str(m)) for m in moments]


@login_required
def school_dashboard(request, unit_id):
    unit = OrganisationUnit.objects.select_related("board").filter(pk=parse_id(unit_id)).first()
    if unit is None or permissions.unit_access(request.user, unit) != permissions.SCHOOL:
        raise Http404
    year = _year_from(request)
    if year is None:
        raise Http404
    data = selectors.unit_measurements(unit=unit, school_year=year)
    moments = [c["moment"] for c in data["moments"]]
    form = IntervisieForm(request.POST or None, moments=moments)
    if request.method == "POST" and form.is_valid():
        moment = next(m for m in moments if m.pk == form.cleaned_data["moment"])
        services.intervisie_record(
            user=request.user,
            moment=moment,
            held_on=form.cleaned_data["held_on"],
            participants=form.cleaned_data["participants"],
            agreements=form.cleaned_data["agreements"],
        )
        messages.success(request, _("De intervisie is vastgelegd."))
        return redirect(request.get_full_path())
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        headers = [
            _("Groep"),
            _("Meetmoment"),
            _("Relaties"),
            _("Beoordeeld"),
            _("Glanst"),
            _("Neutraal"),
            _("Dof"),
            _("Nog niet beoordeeld"),
            _("Dof/neutraal zonder volgende stap"),
            _("Glanst (%)"),
            _("Doel (%)"),
        ]
        rows = []
        for label, cells in [(_("Hele school"), data["moments"])] + [
            (g["group"].name, g["moments"]) for g in data["groups"]
        ]:
            for c in cells:
                rows.append(
                    [
                        label,
                        c["moment"].date,
                        c["relationships"],
                        c["rated"],
                        c["positive"],
                        c["neutral"],
                        c["negative"],
                        c["not_rated"],
                        c["dull_without_step"],
                        c["share_positive"],
                        c["target"],
                    ]
                )
        return export_response(
            headers=headers,
            rows=rows,
            fmt=export,
            name=f"metingen-{unit.name}-{year.label}",
            title=_("Metingen"),
        )

    context = {
        "unit": unit,
        "data": data,
        "years": SchoolYear.objects.all(),
        "form": form,
        "follow_ups": selectors.follow_up_list(unit=unit, school_year=year)
        if permissions.can_follow_up(request.user, unit)
        else None,
        "follow_up_choices": FollowUp.choices,
        "intervisies": Intervisie.objects.filter(moment__in=moments).select_related("moment"),
    }
    return render(request, "glans_measurement/school_dashboard.html", context)


@login_required
@require_POST
def follow_up(request, rating_id):
    rating = Rating.objects.select_related("moment").filter(pk=parse_id(rating_id)).first()
    if rating is None or not permissions.can_follow_up(request.user, rating.moment.unit_id):
        raise Http404
    try:
        services.follow_up_set(
            user=request.user, rating=rating, status=request.POST.get("status", "")
        )
    except (ValidationError, PermissionDenied):
        messages.error(request, _("Ongeldige opvolgstatus."))
    else:
        messages.success(request, _("De opvolging is bijgewerkt."))
    return redirect("glans_measurement:school", unit_id=rating.moment.unit_id)


@login_required
def board_dashboard(request, board_id):
    board = permissions.visible_board(request.user, parse_id(board_id))
    if board is None:
        raise Http404
    year = _year_from(request)
    rows = (
        selectors.units_measurements(
            units=board.units.filter(is_active=True).order_by("name"), school_year=year
        )
        if year
        else []
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx") and year:
        headers = [
            _("School"),
            _("Meetmoment"),
            _("Beoordeeld"),
            _("Glanst (%)"),
            _("Doel (%)"),
            _("Nog niet beoordeeld"),
            _("Dof/neutraal zonder volgende stap"),
        ]
        out = [
            [
                r["unit"].name,
                c["moment"].date,
                c["rated"],
                _cell_text(c),
                c["target"],
                c["not_rated"],
                c["dull_without_step"],
            ]
            for r in rows
            for c in r["moments"]
        ]
        return export_response(
            headers=headers,
            rows=out,
            fmt=export,
            name=f"metingen-{board.name}-{year.label}",
            title=_("Metingen"),
        )
    return render(
        request,
        "glans_measurement/board_dashboard.html",
        {"board": board, "rows": rows, "year": year, "years": SchoolYear.objects.all()},
    )


ACADEMY_PAGE_SIZE = 25


@login_required
def academy_dashboard(request):
    if not is_academy_staff(request.user):
        raise Http404
    year = _year_from(request)
    units = (
        OrganisationUnit.objects.filter(is_active=True)
        .select_related("board")
        .order_by("board__name", "name")
    )
    export = request.GET.get("export")
    page = None
    if export not in ("csv", "xlsx"):
        # The nation has thousands of schools: the screen shows one page of them, so its
        # cost does not grow with the nation; the export holds them all.

        page = Paginator(units, ACADEMY_PAGE_SIZE).get_page(request.GET.get("page"))
        units = page.object_list
    rows = selectors.units_measurements(units=units, school_year=year) if year else []
    if export in ("csv", "xlsx") and year:
        headers = [
            _("Bestuur"),
            _("School"),
            _("Relaties"),
            _("Laatste meting"),
            _("Glanst (%)"),
            _("Doel (%)"),
        ]
        out = [
            [
                r["unit"].board.name,
                r["unit"].name,
                r["relationships"],
                r["latest"]["moment"].date if r["latest"] else "",
                _cell_text(r["latest"]) if r["latest"] else "",
                r["target"],
            ]
            for r in rows
        ]
        return export_response(
            headers=headers,
            rows=out,
            fmt=export,
            name=f"metingen-academie-{year.label}",
            title=_("Metingen"),
        )
    return render(
        request,
        "glans_measurement/academy_dashboard.html",
        {"rows": rows, "year": year, "years": SchoolYear.objects.all(), "page": page},
    )


class ImportForm(forms.Form):
    school_year = forms.ModelChoiceField(
        label=gettext_lazy("Schooljaar"), queryset=SchoolYear.objects.all(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Groepslijst"),
        help_text=gettext_lazy(
            "CSV of XLSX (kolommen: groep; leerlingnummer; optioneel jaargroep, aanduiding, gezin) of een EDEXML-bestand (.xml)."
        ),
    )
    end_missing = forms.BooleanField(
        label=gettext_lazy("relaties beëindigen die niet in het bestand staan"),
        help_text=gettext_lazy(
            "Alleen aanvinken als het bestand de hele school bevat: dan eindigen de relaties van leerlingen die er niet (meer) in staan. Niet aangevinkt blijven die relaties zoals ze zijn."
        ),
        required=False,
        initial=False,
    )


@login_required
def import_view(request, unit_id):
    unit = OrganisationUnit.objects.select_related("board").filter(pk=parse_id(unit_id)).first()
    if unit is None or permissions.unit_access(request.user, unit) != permissions.SCHOOL:
        raise Http404
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"school_year": selectors.school_year_default()},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["school_year"]
        end_missing = form.cleaned_data["end_missing"]
        try:
            rows, problems = imports.read_upload(form.cleaned_data["file"])
            if request.POST.get("action") == "import" and len(rows) > imports.ASYNC_ROWS:
                preview = imports.relationships_preview_rows(
                    unit=unit,
                    school_year=year,
                    rows=rows,
                    problems=problems,
                    end_missing=end_missing,
                )
                if preview.ok:
                    job = imports.import_job_create(
                        user=request.user,
                        unit=unit,
                        school_year=year,
                        rows=rows,
                        end_missing=end_missing,
                    )
                    enqueue(tasks.run_import_job, job.pk)
                    return redirect("glans_measurement:import_job", job_id=job.pk)
                messages.error(request, _("Er is niets geïmporteerd: los eerst de fouten op."))
            elif request.POST.get("action") == "import":
                preview = imports.relationships_import(
                    unit=unit,
                    school_year=year,
                    rows=rows,
                    problems=problems,
                    end_missing=end_missing,
                )
                if preview.ok:
                    messages.success(request, _("De groepslijst is geïmporteerd."))
                    if preview.ended:
                        messages.info(
                            request,
                            _("%(n)s relaties die niet in het bestand stonden zijn beëindigd.")
                            % {"n": preview.ended},
                        )
                    return redirect("glans_measurement:school", unit_id=unit.pk)
                messages.error(request, _("Er is niets geïmporteerd: los eerst de fouten op."))
            else:
                preview = imports.relationships_preview_rows(
                    unit=unit,
                    school_year=year,
                    rows=rows,
                    problems=problems,
                    end_missing=end_missing,
                )
        except ValidationError as exc:
            form.add_error("file", exc)
    return render(
        request, "glans_measurement/import.html", {"unit": unit, "form": form, "preview": preview}
    )


def _import_job_or_404(request, job_id):
    job = ImportJob.objects.select_related("unit").filter(pk=parse_id(job_id)).first()
    if job is None or permissions.unit_access(request.user, job.unit) != permissions.SCHOOL:
        raise Http404
    return job


@login_required
def import_job(request, job_id):
    """A big import running in the background: a progress bar that polls `import_job_status`."""
    job = _import_job_or_404(request, job_id)
    return render(
        request,
        "glans_measurement/import_job.html",
        {"job": job, "unit": job.unit, "state": imports.progress(job)},
    )


@login_required
def import_job_status(request, job_id):
    job = _import_job_or_404(request, job_id)
    return JsonResponse(imports.progress(job))


@login_required
def school_export(request, unit_id):
    """The school's export of everything it holds (XLSX); written to the access log."""
    unit = OrganisationUnit.objects.select_related("board").filter(pk=parse_id(unit_id)).first()
    if unit is None or permissions.unit_access(request.user, unit) != permissions.SCHOOL:
        raise Http404
    headers, rows = selectors.school_export(unit=unit, user=request.user)
    services.access_log(user=request.user, unit_id=unit.pk, group_id=None, what="export")
    return export_response(
        fmt="xlsx",
        name=f"oudervolgsysteem-{unit.name}",
        headers=headers,
        rows=rows,
        title=_("Oudervolgsysteem"),
    )


@login_required
def self_check(request, group_id):
    """The teacher's own monthly self-check of their group (seed 001): private to them and
    never part of the school's moments or any aggregate."""
    group = (
        Group.objects.select_related("unit", "school_year").filter(pk=parse_id(group_id)).first()
    )
    if group is None or not permissions.can_rate(request.user, group):
        raise Http404
    grid = selectors.self_check_grid(group=group, user=request.user)
    if request.method == "POST":
        values = {}
        for row in grid["rows"]:
            value = request.POST.get(f"rel-{row['relationship'].pk}", "")
            if value:
                values[row["relationship"].pk] = value
        try:
            services.self_check_record(user=request.user, group=group, values=values)
        except ValidationError:
            messages.error(request, _("Er is niets opgeslagen: kies glanst, neutraal of dof."))
        else:
            messages.success(request, _("Je maandcheck is opgeslagen."))
            return redirect("glans_measurement:self_check", group_id=group.pk)
    if any(r["label"] for r in grid["rows"]):
        services.access_log(
            user=request.user, unit_id=group.unit_id, group_id=group.pk, what="self_check"
        )

    return render(
        request,
        "glans_measurement/self_check.html",
        {"grid": grid, "choices": RatingValue.choices},
    )
