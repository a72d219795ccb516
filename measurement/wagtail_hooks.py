"""Registers the oudervolgsysteem's menu item. Only registration happens here."""

from wagtail import hooks

from glans_learning.core.navigation import NAV_HOOK, PROFILE_SECTIONS_HOOK

from . import privacy  # noqa: F401 (registers the AVG hooks)
from .navigation import measurement_nav

hooks.register(NAV_HOOK, measurement_nav)


@hooks.register("register_admin_viewset")
def register_measurement_viewsets():
    from .admin_views import MeasurementViewSetGroup

    return MeasurementViewSetGroup()


@hooks.register(PROFILE_SECTIONS_HOOK)
def profile_appreciation(request):
    """The opt-in of the 3-op-1 week, for teachers (who have groups) only."""
    from django.template.loader import render_to_string

    from . import permissions
    from .models import AppreciationChannel, AppreciationPreference

    if not permissions.teacher_group_ids(request.user):
        return ""
    preference = AppreciationPreference.objects.filter(user=request.user).first()
    return render_to_string(
        "glans_measurement/appreciation_profile.html",
        {
            "choices": AppreciationChannel.choices,
            "channel": preference.channel if preference else "",
        },
        request=request,
    )
