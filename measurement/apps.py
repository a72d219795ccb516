from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasurementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.measurement"
    label = "glans_measurement"
    verbose_name = _("Oudervolgsysteem")

    def ready(self):
        from . import permissions  # registers the rules permissions

        permissions.register_policies()
