"""Registers single sign-on: the admin screens, the login page's buttons, the password rule,
the logged-out page's single-logout link and the pending memberships on "Wie mist er nog?".
Only registration happens here."""

from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from glans_learning.core.actions import (
    FormServiceCreateAction,
    FormServiceEditAction,
    ServiceDeleteAction,
    service_action,
)
from glans_learning.core.login_options import (
    LOGIN_OPTIONS_HOOK,
    LOGOUT_OPTIONS_HOOK,
    PASSWORD_LOGIN_ALLOWED_HOOK,
)
from glans_learning.core.navigation import PROFILE_SECTIONS_HOOK
from glans_learning.courses.views.staff import TEAM_MISSING_PANELS_HOOK
from glans_learning.organisations.admin_views import ScopedModelViewSet

from . import panels, permissions, privacy, services  # noqa: F401 (privacy: AVG hooks)
from .forms import IdentityProviderForm, SchoolLoginSettingsForm
from .models import IdentityProvider, SchoolLoginSettings


class IdentityProviderViewSet(ScopedModelViewSet):
    model = IdentityProvider
    icon = "key"
    menu_label = _("Inlogaanbieders")
    form_fields = [
        "name",
        "slug",
        "protocol",
        "board",
        "units",
        "email_domains",
        "is_active",
        "accept_provider_mfa",
        "server_url",
        "client_id",
        "secret_env",
        "metadata_url",
        "entity_id",
        "sso_url",
        "slo_url",
        "certificate",
    ]
    list_display = ["name", "protocol", "board", "is_active"]
    list_filter = ["protocol", "is_active"]
    search_fields = ["name", "slug"]

    def get_form_class(self, for_update=False):
        return modelform_factory(
            IdentityProvider, form=IdentityProviderForm, fields=self.form_fields
        )


class SchoolLoginSettingsViewSet(ScopedModelViewSet):
    model = SchoolLoginSettings
    icon = "lock"
    menu_label = _("Inloggen per school")
    form_fields = ["unit", "password_login"]
    list_display = ["unit", "password_login"]

    def get_form_class(self, for_update=False):
        return modelform_factory(
            SchoolLoginSettings, form=SchoolLoginSettingsForm, fields=self.form_fields
        )


class SsoViewSetGroup(ModelViewSetGroup):
    menu_label = _("Inloggen via de school")
    menu_icon = "key"
    menu_order = 270
    items = (
        IdentityProviderViewSet("glans_sso_providers"),
        SchoolLoginSettingsViewSet("glans_sso_login_settings"),
    )


@hooks.register("register_admin_viewset")
def register_sso_viewsets():
    return SsoViewSetGroup()


@hooks.register("register_actions")
def register_sso_actions(registry):
    for action in (FormServiceCreateAction, FormServiceEditAction):
        registry.register(IdentityProvider, service_action(action, services.provider_save))
        registry.register(SchoolLoginSettings, service_action(action, services.login_settings_save))
    registry.register(
        IdentityProvider, service_action(ServiceDeleteAction, services.provider_delete)
    )
    registry.register(
        SchoolLoginSettings, service_action(ServiceDeleteAction, services.login_settings_delete)
    )


hooks.register(LOGIN_OPTIONS_HOOK, panels.login_options)
hooks.register(LOGOUT_OPTIONS_HOOK, panels.logout_options)
hooks.register(PASSWORD_LOGIN_ALLOWED_HOOK, permissions.password_login_allowed)
hooks.register(TEAM_MISSING_PANELS_HOOK, panels.join_requests_panel)
hooks.register(PROFILE_SECTIONS_HOOK, panels.profile_section)
