from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Leerprogramma's")

    def ready(self):
        from . import (
            navigation,  # noqa: F401  (registers menu items)
            services,
            signals,
        )

        signals.activity_answered.connect(
            services.on_activity_answered, dispatch_uid="glans_progress"
        )
