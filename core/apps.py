from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The plugin shell: base template, styles, navigation, API auth and errors, accounts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.core"
    label = "glans_core"
    verbose_name = _("GLANS-platform")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .exports import guard_wagtail_spreadsheets

        guard_wagtail_spreadsheets()
