from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiConfig(AppConfig):
    """The GLANS modules inside other learning platforms: an LTI 1.3 Advantage tool
    (docs/lti.md). Needs the `lti` extra (django-lti) and "lti_tool" in INSTALLED_APPS."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.lti"
    label = "glans_lti"
    verbose_name = _("LTI-koppelingen")

    def ready(self):
        from . import receivers

        receivers.connect()
        from lti_tool.models import LtiDeployment, LtiRegistration
        from wagtail.permissions import register_permission_policy

        from glans_learning.organisations import permissions

        from .models import Placement

        for model in (LtiRegistration, LtiDeployment, Placement):
            register_permission_policy(
                model, permissions.ScopedPermissionPolicy(model, permissions.scope_all(model))
            )
