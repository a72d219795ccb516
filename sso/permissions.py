"""Who may do what with single sign-on. The decisions rest on the authorization layer's
predicates (glans_learning.organisations.permissions); this module only names them."""

import rules
from wagtail.permissions import register_permission_policy

from glans_learning.organisations import permissions as org
from glans_learning.organisations.models import Membership

from .models import IdentityProvider, SchoolLoginSettings, SsoJoinRequest

# Identity providers carry secrets and decide who reaches which school: platform admins only
# (with their verified second factor, which user_roles() demands for the role).
can_manage_providers = org.is_platform_admin


def can_decide_join_requests(user, unit) -> bool:
    """A pending SSO membership of a school is confirmed or refused by whoever manages that
    school (its director; platform admins)."""
    return bool(org.can_manage_unit(user, unit))


def decidable_units(user):
    return org.managed_units(user)


def never_linked_automatically(user) -> bool:
    """Accounts an SSO login never links to by address: superusers, staff and anybody with
    a membership at the academy (platform admins, auditors, academy trainers)."""
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.current().filter(user=user, unit__isnull=True).exists()


def password_login_allowed(user) -> bool:
    """False when a school the person belongs to switched password login off. Academy
    accounts (admins, auditors, trainers) always keep their password and second factor."""
    if never_linked_automatically(user):
        return True
    units = Membership.objects.current().filter(user=user).values_list("unit_id", flat=True)
    return not SchoolLoginSettings.objects.filter(
        unit_id__in=list(units), password_login=False
    ).exists()


def login_settings_scope(user):
    return SchoolLoginSettings.objects.filter(unit__in=org.managed_units(user))


for _action in ("add", "change", "delete", "view"):
    rules.add_perm(f"glans_sso.{_action}_identityprovider", org.is_platform_admin)
    rules.add_perm(
        f"glans_sso.{_action}_schoolloginsettings", org.is_platform_admin | org.is_unit_manager
    )


def register_policies() -> None:
    register_permission_policy(
        IdentityProvider,
        org.ScopedPermissionPolicy(IdentityProvider, org.scope_all(IdentityProvider)),
    )
    register_permission_policy(
        SchoolLoginSettings,
        org.ScopedPermissionPolicy(SchoolLoginSettings, login_settings_scope),
    )
    register_permission_policy(
        SsoJoinRequest,
        org.ScopedPermissionPolicy(
            SsoJoinRequest,
            lambda user: SsoJoinRequest.objects.filter(unit__in=org.managed_units(user)),
            actions=["view"],
        ),
    )
