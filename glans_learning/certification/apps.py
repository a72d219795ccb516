from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.certification"
    label = "glans_certification"
    verbose_name = _("Certificering")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from glans_learning.organisations.permissions import (
            ScopedPermissionPolicy,
            certification_units,
            handbook_units,
        )

        from .models import Handbook

        def readable(user):
            return Handbook.objects.filter(unit__in=certification_units(user))

        def writable(user):
            return Handbook.objects.filter(unit__in=handbook_units(user))

        register_permission_policy(
            Handbook,
            ScopedPermissionPolicy(
                Handbook,
                readable,
                actions={"view", "change", "publish", "lock", "unlock"},
                action_scopes=dict.fromkeys(("change", "publish", "lock", "unlock"), writable),
            ),
        )
