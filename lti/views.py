"""The LTI tool's endpoints (docs/lti.md): OIDC login initiation, the launch, the deep-linking
picker and the tool's keys. Launches are signed by the platform; everything else is a
signed-in GLANS session."""

import logging

from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods
from lti_tool.utils import DjangoToolConfig, get_launch_from_request
from lti_tool.views import LtiLaunchBaseView, OIDCLoginInitView
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem

from glans_learning.core.auth_backends import password_backend
from glans_learning.core.tasks import enqueue
from glans_learning.courses.models import LessonPage, ModulePage, ProgrammePage

from . import selectors, services, tasks
from .frames import origin_of, remember_platform

logger = logging.getLogger(__name__)

SESSION_DEEP_LINK = "glans_lti_deep_link"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def _refused(request, message, status=403):
    response = render(request, "glans_lti/refused.html", {"message": message}, status=status)
    response.xframe_options_exempt = True
    return response


class LoginView(OIDCLoginInitView):
    """Third-party login initiation: the platform names the user and the target; we answer
    with a redirect to its authorisation endpoint (state and nonce kept for the launch)."""

    main_msg = _(
        "Je browser staat ingesloten inhoud geen cookies toe. Open GLANS daarom in een nieuw "
        "tabblad of venster."
    )
    click_msg = _("Open GLANS in een nieuw venster.")
    loading_msg = _("Bezig met laden…")

    def get_oidc_response(self, request, registration_uuid, params):
        # No cookie-check page (inline script): a browser that blocks the state cookie in a
        # frame gets the refusal page with the advice to open GLANS in a new window.
        target_link_uri = params.get("target_link_uri")
        if target_link_uri is None:
            return _refused(request, _("Het startverzoek mist het doel (target_link_uri)."), 400)
        try:
            oidc_login = DjangoOIDCLogin(
                request,
                DjangoToolConfig(registration_uuid),
                launch_data_storage=DjangoCacheDataStorage(),
            )
            return oidc_login.redirect(self.get_redirect_url(target_link_uri))
        except LtiException:
            logger.info("LTI login initiation refused")
            return _refused(request, _("Dit platform is bij GLANS niet (meer) geregistreerd."))


@method_decorator(xframe_options_exempt, name="dispatch")
class LaunchView(LtiLaunchBaseView):
    """A signed launch from a platform: a placed link (resource link) or the picker for
    placing links (deep linking)."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except LtiException as exc:
            logger.info("LTI launch refused: %s", exc)
            return _refused(
                request, _("Deze start is niet geldig (verlopen, vervalst of al gebruikt).")
            )
        except PermissionDenied as exc:
            return _refused(request, str(exc) or _("Deze start is niet toegestaan."))
        except ValidationError as exc:
            return _refused(request, " ".join(exc.messages), status=400)

    def handle_inactive_deployment(self, request, lti_launch):
        return _refused(request, _("Deze koppeling (deployment) is bij GLANS niet geregistreerd."))

    def handle_resource_launch(self, request, lti_launch):
        user, page = services.launch_resource(lti_launch=lti_launch)
        _roster_later(lti_launch)
        login(request, user, backend=password_backend())
        remember_platform(request, lti_launch.registration)
        return redirect(page.get_url(request=request) or "/")

    def handle_deep_linking_launch(self, request, lti_launch):
        services.launch_deep_link(lti_launch=lti_launch)
        _roster_later(lti_launch)
        remember_platform(request, lti_launch.registration)
        request.session[SESSION_DEEP_LINK] = lti_launch.get_launch_id()
        return redirect("glans_lti:pick")


def _roster_later(lti_launch) -> None:
    """An instructor's launch brings the course's roster (Names and Role Provisioning)."""
    if lti_launch.nrps_claim and lti_launch.membership.is_instructor:
        enqueue(tasks.sync_roster, lti_launch.context.pk)


@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def pick(request):
    """The instructor picks a programme, module or lesson to place in their course."""
    launch_id = request.session.get(SESSION_DEEP_LINK)
    if not launch_id:
        return _refused(request, _("Start het kiezen van GLANS-onderdelen vanuit je leerplatform."))
    try:
        lti_launch = get_launch_from_request(request, launch_id)
    except LtiException:
        return _refused(request, _("Deze keuze is verlopen. Begin opnieuw vanuit je leerplatform."))
    if request.method == "POST":
        pages = _chosen_pages(request.POST.getlist("page"))
        if not pages:
            tree = selectors.placeable_tree()
            error = _("Kies minstens één onderdeel.")
            return render(
                request, "glans_lti/pick.html", {"tree": tree, "error": error}, status=400
            )
        launch_url = request.build_absolute_uri(reverse("glans_lti:launch"))
        resources = [
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(page.title)
            .set_custom_params({services.CUSTOM_PAGE: str(page.pk)})
            .set_lineitem(
                LineItem()
                .set_score_maximum(100)
                .set_label(page.title)
                .set_resource_id(f"glans-{page.pk}")
            )
            for page in pages
        ]
        del request.session[SESSION_DEEP_LINK]
        settings = lti_launch.get_claim(DEEP_LINKING_SETTINGS) or {}
        jwt = lti_launch.get_message_launch().get_deep_link().get_response_jwt(resources)
        return_url = settings.get("deep_link_return_url")
        context = {"return_url": return_url, "jwt": jwt, "pages": pages}
        origin = origin_of(return_url or "")
        if origin:  # the return form posts to the platform (core.csp reads this)
            request.glans_form_action = [origin]
        response = render(request, "glans_lti/return.html", context)
        response.xframe_options_exempt = True
        return response
    return render(request, "glans_lti/pick.html", {"tree": selectors.placeable_tree()})


def _chosen_pages(ids) -> list:
    pages = []
    for raw in ids[:50]:
        try:
            pk = int(raw)
        except ValueError:
            continue
        for model in (ProgrammePage, ModulePage, LessonPage):
            page = model.objects.live().filter(pk=pk).first()
            if page is not None:
                pages.append(page)
                break
    return pages
