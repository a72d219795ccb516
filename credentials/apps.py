from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.credentials"
    label = "glans_credentials"
    verbose_name = _("Registerpunten en certificaten")

    def ready(self):
        from . import receivers

        receivers.connect()
        from . import permissions

        permissions.register_policies()
