"""The credentials models' Wagtail permission policies, composed of the one authorization
layer (glans_learning.organisations.permissions)."""

from wagtail.permissions import register_permission_policy

from glans_learning.organisations.permissions import ScopedPermissionPolicy, scope_all

from .models import Accreditation, Certificate, PointsEntry


def register_policies() -> None:
    """AppConfig.ready: accreditations and certificates for whoever the model permissions
    allow; the ledger only grows (no edits, no deletions, for anybody)."""
    for model in (Accreditation, Certificate):
        register_permission_policy(model, ScopedPermissionPolicy(model, scope_all(model)))
    register_permission_policy(
        PointsEntry,
        ScopedPermissionPolicy(PointsEntry, scope_all(PointsEntry), actions={"add", "view"}),
    )
