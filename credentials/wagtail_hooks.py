from django.forms import modelform_factory
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from glans_learning.core.actions import (
    FormServiceCreateAction,
    FormServiceEditAction,
    RefusedCreateAction,
    RefusedDeleteAction,
    RefusedEditAction,
    register_plain,
    service_action,
)
from glans_learning.core.navigation import DASHBOARD_SECTIONS_HOOK, NAV_HOOK, NavItem
from glans_learning.organisations.admin_views import ScopedModelViewSet

from . import (
    privacy,  # noqa: F401 (registers the AVG hooks)
    selectors,
    services,
)
from .forms import CorrectionForm, RevocationForm
from .models import Accreditation, Certificate, PointsEntry


@hooks.register(NAV_HOOK)
def credentials_nav(request):
    if not getattr(request.user, "is_authenticated", False):
        return []
    url = reverse("glans_credentials:mine")
    return [NavItem(_("Punten en certificaten"), url, request.path == url)]


@hooks.register(DASHBOARD_SECTIONS_HOOK)
def dashboard_section(request):
    if not getattr(request.user, "is_authenticated", False):
        return ""
    return render_to_string(
        "glans_credentials/includes/section.html",
        {
            "registers": selectors.points_for_user(user=request.user),
            "certificates": list(selectors.certificates_for_user(user=request.user)),
        },
        request=request,
    )


# --- admin -----------------------------------------------------------------------------


class AccreditationViewSet(ScopedModelViewSet):
    model = Accreditation
    icon = "tick-inverse"
    menu_label = gettext_lazy("Accreditaties")
    form_fields = [
        "register",
        "programme",
        "module",
        "session",
        "value",
        "theme",
        "accreditation_id",
        "valid_from",
        "valid_until",
    ]
    list_display = ["register", "accreditation_id", "value", "valid_from", "valid_until"]
    list_filter = ["register"]


class PointsEntryViewSet(ScopedModelViewSet):
    model = PointsEntry
    icon = "list-ol"
    menu_label = gettext_lazy("Registerpunten")
    add_to_reference_index = False
    form_fields = ["register", "user", "amount", "earned_on"]
    list_display = ["user", "register", "amount", "earned_on", "source_type", "description"]
    list_filter = ["register", "source_type"]
    search_fields = ["user__first_name", "user__last_name", "description", "accreditation_id"]

    def get_form_class(self, for_update=False):
        return modelform_factory(PointsEntry, form=CorrectionForm, fields=self.form_fields)


class CertificateViewSet(ScopedModelViewSet):
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Certificaten")
    form_fields = ["revocation_reason"]
    list_display = ["programme_title", "learner_name", "completed_on", "code", "revoked_at"]
    search_fields = ["code", "learner_name", "programme_title"]

    def get_form_class(self, for_update=False):
        return modelform_factory(Certificate, form=RevocationForm, fields=self.form_fields)


class CredentialsViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Registerpunten")
    menu_icon = "tick-inverse"
    menu_order = 220
    items = (
        AccreditationViewSet("glans_accreditations"),
        PointsEntryViewSet("glans_points"),
        CertificateViewSet("glans_certificates"),
    )


@hooks.register("register_admin_viewset")
def register_credentials_viewsets():
    return CredentialsViewSetGroup()


@hooks.register("register_actions")
def register_credentials_actions(registry):
    """The ledger only grows (a correction is a new entry, services.points_correct); a
    certificate is only revoked (services.certificate_revoke); accreditations are reference
    data."""
    registry.register(PointsEntry, service_action(FormServiceCreateAction, services.points_correct))
    registry.register(PointsEntry, RefusedEditAction)
    registry.register(PointsEntry, RefusedDeleteAction)
    registry.register(Certificate, RefusedCreateAction)
    registry.register(
        Certificate, service_action(FormServiceEditAction, services.certificate_revoke)
    )
    registry.register(Certificate, RefusedDeleteAction)
    register_plain(registry, Accreditation)
