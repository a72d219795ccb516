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
        from wagtail.permissions import register_permission_policy

        from glans_learning.organisations import permissions

        from .models import Accreditation, Certificate, PointsEntry

        for model in (Accreditation, Certificate):
            register_permission_policy(
                model, permissions.ScopedPermissionPolicy(model, permissions.scope_all(model))
            )
        # The ledger only grows: no edits, no deletions, for anybody.
        register_permission_policy(
            PointsEntry,
            permissions.ScopedPermissionPolicy(
                PointsEntry, permissions.scope_all(PointsEntry), actions={"add", "view"}
            ),
        )
