"""Who may act on what in the course app: scoped querysets composed only of the predicates of
the one authorization layer (glans_learning.organisations.permissions), and the course
models' Wagtail permission policies. Services and admin screens ask here."""

from __future__ import annotations

from wagtail.permissions import register_permission_policy

from glans_learning.organisations import permissions as organisations
from glans_learning.organisations.permissions import ScopedPermissionPolicy, scope_all

from .models import Enrollment, Register, Session, SessionRegistration
from .selectors.sessions import sessions_managed_by


def manageable_enrollments(user):
    """Enrolments `user` may manage (enrol, withdraw, reinstate): platform admins and academy
    trainers every one; team leads those of the units whose progress they follow."""
    if organisations.is_admin_or_academy_trainer(user):
        return Enrollment.objects.all()
    return Enrollment.objects.filter(unit__in=organisations.progress_units(user))


def manageable_registrations(user):
    """Registrations of the sessions `user` manages."""
    return SessionRegistration.objects.filter(session__in=sessions_managed_by(user))


def may_enrol_self(user, programme) -> bool:
    """A learner enrols themselves where the programme allows it; academy staff always."""
    return programme.self_enrolment or organisations.is_academy_staff(user)


def register_policies() -> None:
    """The course models' scoped Wagtail permission policies (AppConfig.ready)."""
    policies = {
        Session: sessions_managed_by,
        SessionRegistration: manageable_registrations,
        Register: scope_all(Register),
        Enrollment: manageable_enrollments,
    }
    for model, scope in policies.items():
        register_permission_policy(model, ScopedPermissionPolicy(model, scope))
