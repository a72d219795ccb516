"""Registers the oudervolgsysteem's menu item. Only registration happens here."""

from django.template.loader import render_to_string
from wagtail import hooks

from glans_learning.core.actions import PlainDeleteAction, PlainEditAction, register_plain
from glans_learning.core.navigation import NAV_HOOK, PROFILE_SECTIONS_HOOK

from . import (
    permissions,
    privacy,  # noqa: F401 (registers the AVG hooks)
)
from .actions import MomentCreateAction
from .admin_views import MeasurementViewSetGroup
from .models import AppreciationChannel, AppreciationPreference, MeasurementMoment, Target
from .navigation import measurement_nav

hooks.register(NAV_HOOK, measurement_nav)


@hooks.register("register_admin_viewset")
def register_measurement_viewsets():
    return MeasurementViewSetGroup()


@hooks.register("register_actions")
def register_measurement_actions(registry):
    registry.register(MeasurementMoment, MomentCreateAction)
    registry.register(MeasurementMoment, PlainEditAction)
    registry.register(MeasurementMoment, PlainDeleteAction)
    register_plain(registry, Target)


@hooks.register(PROFILE_SECTIONS_HOOK)
def profile_appreciation(request):
    """The opt-in of the 3-op-1 week, for teachers (who have groups) only."""

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
