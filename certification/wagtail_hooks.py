"""Registers the handbook snippet (scoped), the menu item, the auditors' landing page and their
panel on the Wagtail dashboard."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from glans_learning.core.actions import PlainEditAction, RefusedCreateAction, RefusedDeleteAction
from glans_learning.core.navigation import LANDING_HOOK, NAV_HOOK
from glans_learning.organisations.admin_views import (
    ScopedModelViewSet,
    ScopedObjectMixin,
    SnippetTitleMixin,
)
from glans_learning.organisations.permissions import may_audit_unit

from . import privacy, selectors  # noqa: F401 (privacy registers the AVG hooks)
from .models import Handbook
from .navigation import certification_landing, certification_nav
from .permissions import register_policies

register_policies()

hooks.register(NAV_HOOK, certification_nav)
hooks.register(LANDING_HOOK, certification_landing)

# Snippet views beyond the generic ones that load one handbook: scoped alike.
_SNIPPET_VIEWS = (
    "revisions_view_class",
    "revisions_compare_view_class",
    "revisions_unschedule_view_class",
    "unpublish_view_class",
    "lock_view_class",
    "unlock_view_class",
)


class HandbookViewSet(ScopedModelViewSet, SnippetViewSet):
    """Handbooks in the admin: the school edits, publishes and locks its own; the academy
    reads them (inspect, history). New handbooks start from the front end (a copy of last
    year's, or sections from the criteria), so there is no 'add' here."""

    model = Handbook
    icon = "doc-full"
    menu_label = _("Handboeken")
    add_to_admin_menu = True
    menu_order = 230
    inspect_view_enabled = True
    list_display = ["__str__", "unit", "school_year", "live"]
    list_filter = ["school_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for attr in _SNIPPET_VIEWS:
            base = getattr(self, attr)
            if not issubclass(base, ScopedObjectMixin):
                setattr(self, attr, type(f"Scoped{base.__name__}", (ScopedObjectMixin, base), {}))
        base = self.edit_view_class
        self.edit_view_class = type(f"Titled{base.__name__}", (SnippetTitleMixin, base), {})


register_snippet(HandbookViewSet)


class AuditWorklistPanel(Component):
    """The auditor's work in their Wagtail dashboard: applications assigned to them or still
    without an auditor, and check-ins to read. The steps themselves are taken on the
    application page (the audit's state machine, docs/certification.md)."""

    name = "glans_audit_worklist"
    order = 50
    template_name = "glans_certification/admin/worklist_panel.html"

    def __init__(self, worklist):
        self.worklist = worklist

    def get_context_data(self, parent_context=None):
        return self.worklist


@hooks.register("construct_homepage_panels")
def audit_worklist_panel(request, panels):
    if may_audit_unit(request.user):
        panels.append(AuditWorklistPanel(selectors.auditor_worklist(user=request.user)))


@hooks.register("register_actions")
def register_certification_actions(registry):
    """Handbooks start from the front end (services.handbook_start) and are never deleted;
    the school edits and publishes its own text as Wagtail saves a draftable snippet."""
    registry.register(Handbook, RefusedCreateAction)
    registry.register(Handbook, PlainEditAction)
    registry.register(Handbook, RefusedDeleteAction)
