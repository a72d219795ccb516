"""Who may act on what in certification: composed only of the predicates and role data of
the one authorization layer (glans_learning.organisations.permissions), and the handbook's
Wagtail permission policy."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.permissions import register_permission_policy

from glans_learning.organisations.models import Membership, RoleCode
from glans_learning.organisations.permissions import (
    ScopedPermissionPolicy,
    certification_units,
    handbook_units,
)

from .models import Handbook


def second_auditor_candidates(user, unit):
    """The people `user` may name as second auditor for `unit`: academy auditors now, not
    `user`, and not members of the unit (may_audit_unit, which the service asks, agrees
    with every one of them)."""
    academy_auditors = Membership.objects.current().filter(
        unit__isnull=True, roles__code=RoleCode.ACADEMY_AUDITOR
    )
    unit_members = Membership.objects.current().filter(
        unit_id=unit.pk if hasattr(unit, "pk") else unit
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=academy_auditors.values("user_id"))
        .exclude(pk=user.pk)
        .exclude(pk__in=unit_members.values("user_id"))
    )


def register_policies() -> None:
    """The handbook's scoped permission policy. Called at the top of wagtail_hooks.py, before
    the snippet is registered (registering the snippet would otherwise create Wagtail's
    fallback policy first, whatever the order of the host's INSTALLED_APPS)."""

    def readable(user):
        return Handbook.objects.filter(unit__in=certification_units(user))

    def writable(user):
        return Handbook.objects.filter(unit__in=handbook_units(user))

    register_permission_policy(
        Handbook,
        ScopedPermissionPolicy(
            Handbook,
            readable,
            actions={"view", "change", "publish", "lock", "unlock"},
            action_scopes=dict.fromkeys(("change", "publish", "lock", "unlock"), writable),
        ),
    )
