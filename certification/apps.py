from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.certification"
    label = "glans_certification"
    verbose_name = _("Certificering")


def register_policies() -> None:
    """The handbook's scoped permission policy. Called at the top of wagtail_hooks.py, before
    the snippet is registered (registering the snippet would otherwise create Wagtail's
    fallback policy first, whatever the order of the host's INSTALLED_APPS)."""
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
