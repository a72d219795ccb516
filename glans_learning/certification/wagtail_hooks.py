"""Registers the handbook snippet (scoped), the menu item and the auditors' landing page."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from glans_learning.core.navigation import LANDING_HOOK, NAV_HOOK
from glans_learning.organisations.admin_views import ScopedModelViewSet, ScopedObjectMixin

from . import privacy  # noqa: F401 (registers the AVG hooks)
from .apps import register_policies
from .models import Handbook
from .navigation import certification_landing, certification_nav

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


register_snippet(HandbookViewSet)
