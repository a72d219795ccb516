from django.urls import reverse
from django.utils.translation import gettext as _

from glans_learning.core.navigation import NavItem

from . import permissions


def measurement_nav(request):
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    if not permissions.uses_measurement(user):
        return []
    url = reverse("glans_measurement:index")
    return [NavItem(_("Oudervolgsysteem"), url, request.path.startswith(url))]
