"""Log entries of scoped models, scoped like the models themselves.

Wagtail's `ModelLogEntry` shows an entry to anybody with *some* permission on the model,
so a director would see, in the site history report (and its CSV/XLSX export), the
memberships, groups and sessions edited at another school, names included. Models with a
`ScopedPermissionPolicy` log to `ScopedLogEntry` instead (registered through Wagtail's
`register_log_actions` hook), whose `viewable_by_user` keeps only entries about objects the
user may see through that policy's scope. Every log listing in the admin (site history,
object history, filters' user/type/action choices) goes through `viewable_by_user`.

Which entries a user may see is the authorization layer's answer
(`permissions.log_entries_viewable_by`). The authorization layer reads the organisation
models, which hold this manager, so the manager asks for it through a Wagtail hook
(registered in wagtail_hooks.py) instead of importing it: no import cycle.
"""

from wagtail import hooks
from wagtail.models.audit_log import ModelLogEntryManager

LOG_SCOPE_HOOK = "glans_log_entries_viewable_by"


class ScopedLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        # Not super().viewable_by_user(): Wagtail caches its content-type answer on the user
        # object whichever log model asked first, so it can't be reused across log models.
        for scope in hooks.get_hooks(LOG_SCOPE_HOOK):
            return scope(self.all(), user)
        return self.none()  # no authorization layer registered: show nothing
