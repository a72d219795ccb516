from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.content"
    label = "glans_content"
    verbose_name = _("Leerinhoud")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .xblocks import xblock_installed

        if xblock_installed():
            from .xblocks import templates

            templates.install()
            # The exercise runtime and the allowed exercise types are loaded at start-up,
            # not by the first lesson with an exercise after a deploy (issue #30: a first
            # view within 3x a warm one; importing them costs about 0.4 s).
            from .xblocks import render

            render.warm_up()
