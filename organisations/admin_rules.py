"""The model permissions of the Wagtail admin and of the other apps, registered with `rules`
from the predicates of the one authorization layer (permissions.py), and the scoped
permission policies of this app's models. Imported by the app's `ready()`; nothing here
decides anything the predicates do not."""

import rules
from django.apps import apps
from wagtail.permissions import register_permission_policy

from .models import Board, Group, Membership, OrganisationUnit, Role, SchoolYear
from .permissions import (
    ScopedPermissionPolicy,
    can_apply_for_certificate,
    is_academy_staff,
    is_admin_or_academy_trainer,
    is_platform_admin,
    is_team_lead,
    manageable_memberships,
    managed_units,
    may_audit_unit,
    scope_all,
    sees_people_everywhere,
    visible_units,
    writes_a_handbook,
)

# Login lockouts (django-axes): platform admins see and lift them.
for _action in ("view", "delete"):
    rules.add_perm(f"axes.{_action}_accessattempt", is_platform_admin)


# Course administration (sessions, registers, enrolments) in the Wagtail admin.
can_manage_sessions = is_admin_or_academy_trainer | is_team_lead
for _action in ("add", "change", "delete", "view"):
    rules.add_perm(f"glans_courses.{_action}_session", can_manage_sessions)
    rules.add_perm(f"glans_courses.{_action}_sessionregistration", can_manage_sessions)
    if _action != "view":
        rules.add_perm(f"glans_courses.{_action}_register", is_platform_admin)
    rules.add_perm(
        f"glans_courses.{_action}_enrollment", is_admin_or_academy_trainer | is_team_lead
    )
rules.add_perm("glans_courses.view_register", is_academy_staff)

# Credentials: accreditations are data the platform admins keep; the ledger only grows
# (corrections are new entries, never edits); a certificate is changed only to revoke it.
for _action in ("add", "change", "delete"):
    rules.add_perm(f"glans_credentials.{_action}_accreditation", is_platform_admin)
rules.add_perm("glans_credentials.add_pointsentry", is_platform_admin)
rules.add_perm("glans_credentials.change_certificate", is_platform_admin)
rules.add_perm("glans_credentials.view_accreditation", is_academy_staff)
# The ledger and the certificates name staff: not for auditors (they see aggregates only).
for _model in ("pointsentry", "certificate"):
    rules.add_perm(f"glans_credentials.view_{_model}", sees_people_everywhere)

# LTI (glans_learning.lti, django-lti's lti_tool): registering platforms, their deployments and
# the school each platform's launches belong to is the platform admins' work alone.
for _action in ("add", "change", "delete", "view"):
    for _perm in ("lti_tool.%s_ltiregistration", "lti_tool.%s_ltideployment"):
        rules.add_perm(_perm % _action, is_platform_admin)
    rules.add_perm(f"glans_lti.{_action}_placement", is_platform_admin)


rules.add_perm("glans_certification.apply", can_apply_for_certificate)
rules.add_perm("glans_certification.audit", may_audit_unit)
rules.add_perm("glans_certification.revoke", may_audit_unit | is_platform_admin)
# The handbook snippet in the admin: written by the school, read by the academy.
for _action in ("change", "publish", "lock", "unlock"):
    rules.add_perm(f"glans_certification.{_action}_handbook", writes_a_handbook)
rules.add_perm("glans_certification.view_handbook", writes_a_handbook | is_academy_staff)


def register_policies() -> None:
    """Register the scoped policies of this app's models with Wagtail (AppConfig.ready)."""
    if apps.is_installed("axes"):  # login lockouts: platform admins view and lift them
        from axes.models import AccessAttempt  # noqa: PLC0415 - axes models only with the app installed

        register_permission_policy(
            AccessAttempt,
            ScopedPermissionPolicy(
                AccessAttempt, scope_all(AccessAttempt), actions={"view", "delete"}
            ),
        )
    policies = {
        Board: scope_all(Board),
        SchoolYear: scope_all(SchoolYear),
        Role: scope_all(Role),
        Group: lambda user: Group.objects.filter(unit__in=managed_units(user)),
        Membership: manageable_memberships,
    }
    for model, scope in policies.items():
        register_permission_policy(model, ScopedPermissionPolicy(model, scope))
    register_permission_policy(
        OrganisationUnit,
        ScopedPermissionPolicy(
            OrganisationUnit,
            visible_units,
            action_scopes={"change": managed_units, "delete": managed_units},
        ),
    )
