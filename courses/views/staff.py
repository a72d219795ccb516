"""'Wie mist er nog?': a team lead's list of every staff member of their unit with one-click
invitation or reminder, and a one-page summary PDF for the MR or the board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from glans_learning.organisations import permissions
from glans_learning.organisations.utils import parse_id

from .. import services, staff_reminders
from ..models import ProgrammePage
from ..selectors.staff import unit_staff_status

# Hook for apps above courses that add a panel to the page: `hook(request, unit) -> str`
# (HTML, or "" for nothing), e.g. the `sso` app's memberships waiting for the director.
TEAM_MISSING_PANELS_HOOK = "glans_team_missing_panels"


def _unit_and_programme(request, unit_id):
    unit = permissions.progress_units(request.user).filter(pk=parse_id(unit_id)).first()
    if unit is None:
        raise Http404
    programmes = ProgrammePage.objects.live().order_by("path")
    wanted = request.GET.get("programme") or request.POST.get("programme")
    programme = programmes.filter(pk=parse_id(wanted)).first() if wanted else programmes.first()
    if programme is None:
        raise Http404
    return unit, programme, programmes


@login_required
@require_http_methods(["GET", "POST"])
def team_missing(request, unit_id):
    unit, programme, programmes = _unit_and_programme(request, unit_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "invite":
                staff_reminders.staff_invite(
                    by=request.user, unit=unit, user_id=parse_id(request.POST.get("user"))
                )
                messages.success(request, _("De uitnodiging is opnieuw verstuurd."))
            elif action == "remind":
                staff_reminders.staff_remind(
                    by=request.user,
                    unit=unit,
                    user_id=parse_id(request.POST.get("user")),
                    programme=programme,
                )
                messages.success(request, _("De herinnering is verstuurd."))
            elif action == "enrol":
                # A row "niet ingeschreven": enrol this one team member (enrol_members checks
                # that the user leads the team and the person belongs to it).
                count = services.enrol_members(
                    by=request.user,
                    unit=unit,
                    programme=programme,
                    user_ids=[parse_id(request.POST.get("user"))],
                )
                if count:
                    messages.success(request, _("Het teamlid is ingeschreven."))
                else:
                    messages.error(request, _("Dit teamlid kan hier niet worden ingeschreven."))
            else:
                messages.error(request, _("Onbekende actie."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            raise Http404 from exc
        url = reverse("glans_courses:team_missing", args=[unit.pk])
        return redirect(f"{url}?programme={programme.pk}")
    return render(
        request,
        "glans_courses/team_missing.html",
        {
            "unit": unit,
            "programme": programme,
            "programmes": programmes,
            "panels": [
                html
                for hook in hooks.get_hooks(TEAM_MISSING_PANELS_HOOK)
                if (html := hook(request, unit))
            ],
            **unit_staff_status(unit=unit, programme=programme),
        },
    )


@login_required
def team_missing_pdf(request, unit_id):
    """One page for the MR or the board: counts and the names of the school's own staff."""
    unit, programme, _programmes = _unit_and_programme(request, unit_id)
    html = render_to_string(
        "glans_courses/team_missing_pdf.html",
        {
            "unit": unit,
            "programme": programme,
            "today": timezone.localdate(),
            **unit_staff_status(unit=unit, programme=programme),
        },
        request=request,
    )
    try:
        from weasyprint import HTML  # noqa: PLC0415 - optional: the pdf extra
    except ImportError:  # the optional `pdf` extra (and its system libraries) is missing
        messages.error(
            request,
            _(
                "PDF maken kan op deze installatie niet: de beheerder moet het onderdeel "
                "'pdf' (WeasyPrint) installeren. Gebruik zolang de afdrukfunctie van je "
                "browser op deze pagina."
            ),
        )
        url = reverse("glans_courses:team_missing", args=[unit.pk])
        return redirect(f"{url}?programme={programme.pk}")
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    name = slugify(f"wie-mist-er-nog-{unit.name}-{programme.title}")[:80] or "overzicht"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
