"""Who may act on what in certification: composed only of the predicates and role data of
the one authorization layer (glans_learning.organisations.permissions), and the handbook's
Wagtail permission policy."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from wagtail.permissions import register_permission_policy

from glans_learning.organisations.models import Membership, RoleCode
from glans_learning.organisations.permissions import (
    ScopedPermissionPolicy,
    belongs_to_unit,
    certification_units,
    handbook_units,
    is_platform_admin,
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


def may_see_staff_names(user, unit) -> bool:
    """Whether `user` may read the names of the school's staff in an application's log: the
    school's own members and platform admins. Auditors and other academy staff see a role
    instead (issue #23: no staff names for auditors)."""
    return belongs_to_unit(user, unit) or is_platform_admin(user)


def log_actor_labels(user, application, events) -> dict[int, str]:
    """For each event's actor id, what `user` sees in the log: the name where
    may_see_staff_names allows it; otherwise the auditors' own names (they act in their
    professional role), "de school" for the school's members and "GLANS-academie" for the
    rest of the academy."""
    actor_ids = {event.actor_id for event in events if event.actor_id}
    if not actor_ids:
        return {}
    people = get_user_model().objects.in_bulk(actor_ids)
    named = {pk for pk in (application.auditor_id, application.second_auditor_id) if pk}
    if may_see_staff_names(user, application.unit):
        named = actor_ids
    school = set(
        Membership.objects.filter(
            unit_id=application.unit_id, user_id__in=actor_ids - named
        ).values_list("user_id", flat=True)
    )
    labels = {}
    for pk, person in people.items():
        if pk in named:
            labels[pk] = person.get_full_name() or person.get_username()
        elif pk in school:
            labels[pk] = _("de school")
        else:
            labels[pk] = _("GLANS-academie")
    return labels


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
