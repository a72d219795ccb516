"""Registers the organisation admin screens. Only registration happens here."""

from django.apps import apps
from django.forms import modelform_factory
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import Button

from glans_learning.core.actions import (
    FormServiceCreateAction,
    FormServiceEditAction,
    PlainDeleteAction,
    register_plain,
    service_action,
)
from glans_learning.core.middleware import REQUIRES_TWO_FACTOR_HOOK
from glans_learning.core.navigation import LANDING_HOOK, PROFILE_SECTIONS_HOOK
from glans_learning.core.tasks import outbox_backlog

from . import (
    permissions,
    privacy,  # noqa: F401 (registers the AVG hooks)
    selectors,
    services,
)
from .admin_views import MembershipCreateView, ScopedModelViewSet
from .audit_log import LOG_SCOPE_HOOK
from .forms import MembershipForm, UnitScopedForm
from .models import (
    Board,
    Group,
    Membership,
    OrganisationUnit,
    Role,
    SchoolYear,
    ScopedLogEntry,
)

hooks.register(LOG_SCOPE_HOOK, permissions.log_entries_viewable_by)


class BoardViewSet(ScopedModelViewSet):
    model = Board
    icon = "site"
    menu_label = _("Besturen")
    form_fields = ["name", "short_name"]
    list_display = ["name", "short_name"]
    search_fields = ["name"]
    add_to_admin_menu = False


class OrganisationUnitViewSet(ScopedModelViewSet):
    model = OrganisationUnit
    icon = "home"
    menu_label = _("Organisatie-eenheden")
    form_fields = ["board", "name", "unit_type", "brin", "city", "is_active"]
    list_display = ["name", "unit_type", "board", "city"]
    list_filter = ["unit_type", "board"]
    search_fields = ["name", "city"]


class SchoolYearViewSet(ScopedModelViewSet):
    model = SchoolYear
    icon = "date"
    menu_label = _("Schooljaren")
    form_fields = ["label", "start_date", "end_date"]
    list_display = ["label", "start_date", "end_date"]


class GroupViewSet(ScopedModelViewSet):
    model = Group
    icon = "group"
    menu_label = _("Groepen en klassen")
    form_fields = ["unit", "name", "grade", "school_year"]

    def get_form_class(self, for_update=False):
        return modelform_factory(Group, form=UnitScopedForm, fields=self.form_fields)

    list_display = ["name", "unit", "grade", "school_year"]
    list_filter = ["school_year"]
    search_fields = ["name"]


class MembershipViewSet(ScopedModelViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Lidmaatschappen")
    add_view_class = MembershipCreateView

    def get_form_class(self, for_update=False):
        return MembershipForm

    list_display = ["user", "unit", "school_year", "is_active"]
    list_filter = ["school_year", "is_active", "roles"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]


class RoleViewSet(ScopedModelViewSet):
    model = Role
    icon = "key"
    menu_label = _("Rollen")
    form_fields = ["name", "description"]
    list_display = ["name", "code", "is_academy_role"]


def _lockout_viewsets():
    """Login lockouts, when the host runs django-axes (the GLANS site does)."""
    if not apps.is_installed("axes"):
        return ()
    from .lockouts import LockoutViewSet  # noqa: PLC0415 - imports axes' models: only with axes

    return (LockoutViewSet("glans_lockouts"),)


class OrganisationsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Organisaties")
    menu_icon = "group"
    menu_order = 200
    items = (
        MembershipViewSet("glans_memberships"),
        OrganisationUnitViewSet("glans_units"),
        GroupViewSet("glans_groups"),
        BoardViewSet("glans_boards"),
        SchoolYearViewSet("glans_school_years"),
        RoleViewSet("glans_roles"),
        *_lockout_viewsets(),
    )


@hooks.register(REQUIRES_TWO_FACTOR_HOOK)
def two_factor_for_admins_and_auditors(user):
    return permissions.requires_two_factor(user)


@hooks.register("register_log_actions")
def scoped_log_entries(actions):
    """Log entries of scoped models go to ScopedLogEntry, which is scoped alike."""
    for model in permissions.SCOPED_POLICIES:
        actions.register_model(model, ScopedLogEntry)


@hooks.register("register_admin_viewset")
def register_organisations_viewsets():
    return OrganisationsViewSetGroup()


@hooks.register(PROFILE_SECTIONS_HOOK)
def profile_personal_data(request):
    return render_to_string("glans_organisations/privacy/profile_section.html", request=request)


@hooks.register("register_user_listing_buttons")
def privacy_user_buttons(user, request_user):
    """In the admin's user list: the person's data (AVG export) and, from there, erasure; only
    for people the plugin knows (a membership or an enrolment), not for a host's own staff."""
    if permissions.is_platform_admin(request_user) and selectors.known_to_plugin(user=user):
        yield Button(
            _("Gegevens (AVG)"), reverse("glans_privacy:person", args=[user.pk]), priority=90
        )


@hooks.register("register_log_actions")
def privacy_log_actions(actions):
    actions.register_action(
        "glans.person_erased", _("Persoon geanonimiseerd"), _("Persoon geanonimiseerd")
    )
    actions.register_action(
        "glans.two_factor_reset",
        _("Tweestapsverificatie uitgezet door een beheerder"),
        _("Tweestapsverificatie uitgezet door een beheerder"),
    )


@hooks.register(PROFILE_SECTIONS_HOOK)
def profile_memberships(request):
    return render_to_string(
        "glans_organisations/profile_memberships.html",
        {"memberships": selectors.memberships_for_user(user=request.user)},
        request=request,
    )


@hooks.register(LANDING_HOOK)
def admin_landing(user):
    if permissions.is_platform_admin(user):
        return (100, reverse("wagtailadmin_home"))
    return None


class FirstRunPanel(Component):
    """On the admin home of platform admins while the site lacks what enrolment needs."""

    name = "glans_first_run"
    order = 50
    template_name = "glans_organisations/admin/first_run_panel.html"

    def __init__(self, missing):
        self.missing = missing

    def get_context_data(self, parent_context=None):
        return {"missing": self.missing}


@hooks.register("construct_homepage_panels")
def first_run_panel(request, panels):
    if not permissions.is_platform_admin(request.user):
        return
    missing = selectors.first_run_missing()
    if missing:
        panels.append(FirstRunPanel(missing))


class OutboxPanel(Component):
    """On the admin home of platform admins while background work is not draining."""

    name = "glans_outbox_backlog"
    order = 40
    template_name = "glans_organisations/admin/outbox_panel.html"

    def __init__(self, backlog):
        self.backlog = backlog

    def get_context_data(self, parent_context=None):
        return {"backlog": self.backlog}


@hooks.register("construct_homepage_panels")
def outbox_panel(request, panels):
    if not permissions.is_platform_admin(request.user):
        return
    backlog = outbox_backlog()
    if backlog["stale"]:
        panels.append(OutboxPanel(backlog))


@hooks.register("register_actions")
def register_organisation_actions(registry):
    """Memberships go through the membership service (the form's save); the rest is
    reference data without rules beyond the models' own validation."""
    for action in (FormServiceCreateAction, FormServiceEditAction):
        registry.register(Membership, service_action(action, services.membership_save))
    registry.register(Membership, PlainDeleteAction)
    register_plain(registry, Board, OrganisationUnit, SchoolYear, Group, Role)
