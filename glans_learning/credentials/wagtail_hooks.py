from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from glans_learning.core.navigation import DASHBOARD_SECTIONS_HOOK, NAV_HOOK, NavItem

from . import selectors


@hooks.register(NAV_HOOK)
def credentials_nav(request):
    if not getattr(request.user, "is_authenticated", False):
        return []
    url = reverse("glans_credentials:mine")
    return [NavItem(_("Punten en certificaten"), url, request.path == url)]


@hooks.register(DASHBOARD_SECTIONS_HOOK)
def dashboard_section(request):
    if not getattr(request.user, "is_authenticated", False):
        return ""
    return render_to_string(
        "glans_credentials/includes/section.html",
        {
            "registers": selectors.points_for_user(user=request.user),
            "certificates": list(selectors.certificates_for_user(user=request.user)),
        },
        request=request,
    )
