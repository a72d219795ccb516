from django.urls import reverse
from django.utils.translation import gettext as _

from glans_learning.core.navigation import NavItem
from glans_learning.measurement.permissions import board_ids
from glans_learning.organisations.permissions import has_certification_units, may_audit_unit


def certification_nav(request):
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    if may_audit_unit(user):
        url = reverse("glans_certification:worklist")
        return [NavItem(_("Certificering"), url, request.path.startswith(url))]

    boards = board_ids(user)
    has_units = has_certification_units(user)
    if boards and not has_units:
        url = reverse("glans_certification:board", args=[min(boards)])
        return [NavItem(_("School met Glans"), url, request.path.startswith(url))]
    if has_units:
        url = reverse("glans_certification:index")
        return [NavItem(_("School met Glans"), url, request.path.startswith(url))]
    return []


def certification_landing(user):
    """Auditors land on their work list (above the course dashboard, below the admin); the
    board-level Expertgroep on its board view (below a team lead's team)."""
    if may_audit_unit(user):
        return (60, reverse("glans_certification:worklist"))

    boards = board_ids(user)
    if boards:
        return (40, reverse("glans_certification:board", args=[min(boards)]))
    return None
