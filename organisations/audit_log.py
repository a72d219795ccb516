"""Log entries of scoped models, scoped like the models themselves.

Wagtail's `ModelLogEntry` shows an entry to anybody with *some* permission on the model,
so a director would see, in the site history report (and its CSV/XLSX export), the
memberships, groups and sessions edited at another school, names included. Models with a
`ScopedPermissionPolicy` log to `ScopedLogEntry` instead (registered through Wagtail's
`register_log_actions` hook), whose `viewable_by_user` keeps only entries about objects the
user may see through that policy's scope. Every log listing in the admin (site history,
object history, filters' user/type/action choices) goes through `viewable_by_user`.
"""

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.models.audit_log import ModelLogEntryManager


class ScopedLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        from django.contrib.contenttypes.models import ContentType

        from .permissions import SCOPED_POLICIES, user_roles

        # Not super().viewable_by_user(): Wagtail caches its content-type answer on the user
        # object whichever log model asked first, so it can't be reused across log models.
        if user.is_superuser or user_roles(user).is_platform_admin:
            return self.all()  # deleted objects' entries included
        allowed = Q(pk__in=[])
        for model, policy in SCOPED_POLICIES.items():
            scope = policy.instances_user_has_any_permission_for(user, ["view", "change", "delete"])
            ids = scope.order_by().annotate(_glans_id=Cast("pk", CharField())).values("_glans_id")
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            allowed |= Q(content_type=content_type, object_id__in=ids)
        return self.filter(allowed)
