from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    """Log in with the school's own account (docs/sso.md). Needs the `sso` extra
    (django-allauth with its OpenID Connect and SAML providers) and allauth's apps in
    INSTALLED_APPS; glans_site's settings show the lines."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.sso"
    label = "glans_sso"
    verbose_name = _("Inloggen via de school")

    def ready(self):
        from . import permissions, receivers

        receivers.connect()
        permissions.register_policies()
