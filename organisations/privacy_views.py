"""Front end of the AVG rights: a person's own data (page + JSON download), the same for a
school director or platform admin, and erasure with confirmation (privacy.py)."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import permissions, privacy


def _person_or_404(request, user_id):
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None or not permissions.may_manage_personal_data(request.user, person):
        raise Http404
    return person


def _model_of(label):

    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _section_label(label) -> str:
    """'glans_courses.LessonProgress' as people read it: the model's (translated) name."""

    model = _model_of(label)
    return capfirst(model._meta.verbose_name_plural) if model is not None else label


def _column_label(model, column: str) -> str:
    """'lesson__title' as people read it: the fields' (translated) names, e.g. 'les: titel'."""

    names, current = [], model
    for part in column.split("__"):
        field = None
        if current is not None:
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:
                field = None
        names.append(str(getattr(field, "verbose_name", "") or part.replace("_", " ")))
        current = getattr(field, "related_model", None)
    return capfirst(": ".join(names))


def _export_response(request, person):
    if request.GET.get("format") == "json":
        response = HttpResponse(
            privacy.person_export_json(by=request.user, user=person),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="gegevens-{person.pk}.json"'
        return response
    export = privacy.person_export(by=request.user, user=person)
    return render(
        request,
        "glans_organisations/privacy/export.html",
        {
            "person": person,
            "own": person.pk == request.user.pk,
            "sections": [
                (
                    _section_label(label),
                    section,
                    [
                        (key, _column_label(_model_of(label), key))
                        for key in sorted({k for row in section for k in row})
                    ],
                )
                for label, section in export["sections"].items()
            ],
        },
    )


@login_required
def my_data(request):
    return _export_response(request, request.user)


@login_required
def person_data(request, user_id):
    return _export_response(request, _person_or_404(request, user_id))


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request, user_id):
    person = _person_or_404(request, user_id)
    if person.pk == request.user.pk:
        raise Http404
    refusals = privacy.erasure_refusals(person)
    if request.method == "POST":
        if request.POST.get("confirm") != "on":
            messages.error(request, _("Vink aan dat je begrijpt dat dit niet terug te draaien is."))
        else:
            try:
                privacy.person_erase(by=request.user, user=person)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("De persoon is geanonimiseerd."))
                return redirect(reverse("glans_privacy:person", args=[person.pk]))
    return render(
        request,
        "glans_organisations/privacy/erase.html",
        {
            "person": person,
            "refusals": refusals,
            "anonymised": privacy.is_anonymised(person),
        },
    )
