"""Admin screens of the oudervolgsysteem, scoped like the organisation screens: targets per
board and measurement moments per unit."""

from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSetGroup

from glans_learning.organisations.admin_views import ScopedModelViewSet
from glans_learning.organisations.forms import UnitScopedForm

from .models import MeasurementMoment, Target


class TargetViewSet(ScopedModelViewSet):
    model = Target
    icon = "tick"
    menu_label = _("Doelen per bestuur")
    form_fields = ["board", "implementation_year", "share_positive"]
    list_display = ["board", "implementation_year", "share_positive"]
    list_filter = ["board"]


class MeasurementMomentViewSet(ScopedModelViewSet):
    model = MeasurementMoment
    icon = "date"
    menu_label = _("Meetmomenten")
    form_fields = ["unit", "school_year", "date", "opens_on", "closes_on", "title"]
    list_display = ["__str__", "unit", "school_year", "opens_on", "closes_on"]
    list_filter = ["school_year"]

    def get_form_class(self, for_update=False):
        return modelform_factory(MeasurementMoment, form=UnitScopedForm, fields=self.form_fields)


class MeasurementViewSetGroup(ModelViewSetGroup):
    menu_label = _("Oudervolgsysteem")
    menu_icon = "table"
    menu_order = 210
    items = (
        MeasurementMomentViewSet("glans_measurement_moments"),
        TargetViewSet("glans_measurement_targets"),
    )
