"""Admin screen for django-axes login lockouts (only imported when axes is installed)."""

from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _

from .admin_views import ScopedModelViewSet


class LockoutViewSet(ScopedModelViewSet):
    """Login lockouts (django-axes): deleting an entry lifts the lockout."""

    model = AccessAttempt
    icon = "lock"
    menu_label = _("Geblokkeerde aanmeldingen")
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    inspect_view_enabled = True
    copy_view_enabled = False
    # Nothing is added or edited by hand: the policy allows only view and delete.
    form_fields = ["username"]
