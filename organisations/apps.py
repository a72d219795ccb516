from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.organisations"
    label = "glans_organisations"
    verbose_name = _("Organisaties")

    def ready(self):
        from . import admin_rules

        admin_rules.register_policies()
