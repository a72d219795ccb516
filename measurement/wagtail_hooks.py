"""Registers the oudervolgsysteem's menu item. Only registration happens here."""

from wagtail import hooks

from glans_learning.core.actions import PlainDeleteAction, PlainEditAction, register_plain
from glans_learning.core.navigation import NAV_HOOK

from . import privacy  # noqa: F401 (registers the AVG hooks)
from .actions import MomentCreateAction
from .admin_views import MeasurementViewSetGroup
from .models import MeasurementMoment, Target
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
