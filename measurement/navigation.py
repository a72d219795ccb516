from django.urls import reverse
from django.utils.translation import gettext as _

from glans_learning.core.navigation import NavItem
from glans_learning.organisations.permissions import user_roles

from . import permissions


def measurement_nav(request):
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    roles = user_roles(user)
    if not (
        permissions.teacher_group_ids(user)
        or roles.units_with(permissions.SCHOOL_VIEW_ROLES | permissions.BOARD_ROLES)
        or roles.is_academy
    ):
        return []
    url = reverse("glans_measurement:index")
    return [NavItem(_("Oudervolgsysteem"), url, request.path.startswith(url))]
