from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.courses"
    label = "glans_courses"
    verbose_name = _("Leerprogramma's")

    def ready(self):
        from . import services, signals

        signals.activity_answered.connect(
            services.on_activity_answered, dispatch_uid="glans_progress"
        )
        from glans_learning.content.xblocks.signals import exercise_result

        exercise_result.connect(services.on_exercise_result, dispatch_uid="glans_exercise_result")
        from django.db.models.signals import post_delete, post_save

        from glans_learning.organisations.models import Membership

        from . import permissions

        post_delete.connect(
            services.on_membership_ended, sender=Membership, dispatch_uid="glans_left_unit"
        )
        post_save.connect(
            services.on_membership_ended, sender=Membership, dispatch_uid="glans_left_unit_save"
        )

        permissions.register_policies()

        from .selectors import tree_cache

        tree_cache.connect()
