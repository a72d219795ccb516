"""Registers the LTI admin screens (platform admins only). Only registration happens here."""

from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiDeployment, LtiRegistration
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from glans_learning.core.actions import register_plain
from glans_learning.organisations.admin_views import ScopedModelViewSet

from . import privacy  # noqa: F401 (registers the AVG hooks)
from .models import Placement


class RegistrationViewSet(ScopedModelViewSet):
    model = LtiRegistration
    icon = "link"
    menu_label = _("Platforms")
    form_fields = [
        "name",
        "issuer",
        "client_id",
        "audience",
        "auth_url",
        "token_url",
        "keyset_url",
        "is_active",
    ]
    list_display = ["name", "issuer", "client_id", "is_active"]
    search_fields = ["name", "issuer"]
    inspect_view_enabled = True
    inspect_view_fields = ["name", "uuid", "issuer", "client_id", "auth_url", "token_url"]


class DeploymentViewSet(ScopedModelViewSet):
    model = LtiDeployment
    icon = "link-external"
    menu_label = _("Deployments")
    form_fields = ["registration", "deployment_id", "is_active"]
    list_display = ["deployment_id", "registration", "is_active"]
    list_filter = ["is_active"]


class PlacementViewSet(ScopedModelViewSet):
    model = Placement
    icon = "home"
    menu_label = _("Plaatsingen bij scholen")
    form_fields = ["registration", "unit", "frame_origins"]
    list_display = ["registration", "unit"]


class LtiViewSetGroup(ModelViewSetGroup):
    menu_label = _("LTI-koppelingen")
    menu_icon = "link"
    menu_order = 260
    items = (
        RegistrationViewSet("glans_lti_registrations"),
        DeploymentViewSet("glans_lti_deployments"),
        PlacementViewSet("glans_lti_placements"),
    )


@hooks.register("register_admin_viewset")
def register_lti_viewsets():
    return LtiViewSetGroup()


@hooks.register("register_actions")
def register_lti_actions(registry):
    """Platform registrations, deployments and placements are reference data a platform admin
    keeps: plain actions (no rules beyond the permission policy)."""
    register_plain(registry, LtiRegistration, LtiDeployment, Placement)
