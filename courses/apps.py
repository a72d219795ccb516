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

        post_delete.connect(
            services.on_membership_ended, sender=Membership, dispatch_uid="glans_left_unit"
        )
        post_save.connect(
            services.on_membership_ended, sender=Membership, dispatch_uid="glans_left_unit_save"
        )
        self._register_policies()

    def _register_policies(self):
        """Scoped Wagtail permission policies for the course models (see organisations)."""
        from wagtail.permissions import register_permission_policy

        from glans_learning.organisations import permissions

        from . import selectors
        from .models import Enrollment, Register, Session, SessionRegistration

        def enrollments(user):
            if permissions.is_admin_or_academy_trainer(user):
                return Enrollment.objects.all()
            return Enrollment.objects.filter(unit__in=permissions.progress_units(user))

        policies = {
            Session: selectors.sessions_managed_by,
            SessionRegistration: lambda user: SessionRegistration.objects.filter(
                session__in=selectors.sessions_managed_by(user)
            ),
            Register: permissions.scope_all(Register),
            Enrollment: enrollments,
        }
        for model, scope in policies.items():
            register_permission_policy(model, permissions.ScopedPermissionPolicy(model, scope))
