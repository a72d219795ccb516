"""Who may act on what in the course app: scoped querysets composed only of the predicates of
the one authorization layer (glans_learning.organisations.permissions), and the course
models' Wagtail permission policies. Services and admin screens ask here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from wagtail.permissions import register_permission_policy

from glans_learning.organisations import permissions as organisations
from glans_learning.organisations.permissions import ScopedPermissionPolicy, scope_all

from .models import Enrollment, Register, Session, SessionRegistration


@dataclass(frozen=True)
class SessionVisibility:
    """Which sessions a signed-in user sees: all (academy staff), else the academy-wide
    ones, those of `unit_ids` and those they train. The one definition behind
    sessions_visible_to (ORM) and the raw SQL of selectors.raw.programme_sessions (a test
    compares the two)."""

    all: bool
    unit_ids: list[int]


def session_visibility(user) -> SessionVisibility | None:
    """None for anonymous visitors: they see no sessions."""
    if organisations.is_academy_staff(user):
        return SessionVisibility(all=True, unit_ids=[])
    if not getattr(user, "is_authenticated", False):
        return None
    return SessionVisibility(all=False, unit_ids=sorted(organisations.member_unit_ids(user)))


def sessions_visible_to(user):
    """Sessions a user may see: academy-wide ones and those of their own units; academy staff
    see all."""
    visibility = session_visibility(user)
    qs = Session.objects.all()
    if visibility is None:
        return qs.none()
    if visibility.all:
        return qs
    return qs.filter(
        Q(unit__isnull=True) | Q(unit_id__in=visibility.unit_ids) | Q(trainers=user)
    ).distinct()


def sessions_open_to(user):
    """Sessions that are for the user to register for (past ones too; registering refuses
    those as over): team and online sessions they see; TdT meetings only for who leads a
    team (academy-wide ones for any team lead, a school's for its own) and for admins and
    academy trainers; any session they train."""
    qs = sessions_visible_to(user)
    # A school's own team session is for its team: academy staff (auditor, trainer, admin)
    # see it but do not register for it, unless they train it.
    own_units = list(organisations.user_roles(user).by_unit)
    qs = qs.exclude(
        Q(kind=Session.Kind.TEAM, unit__isnull=False)
        & ~Q(unit_id__in=own_units)
        & ~Q(trainers=user)
    )
    lead_units = organisations.tdt_meeting_units(user)
    if lead_units is None:
        return qs.distinct()
    tdt = Q(kind=Session.Kind.TDT) & (Q(unit_id__in=list(lead_units)) | Q(unit__isnull=True))
    if not lead_units:
        tdt = Q(pk__in=[])
    return qs.filter(~Q(kind=Session.Kind.TDT) | tdt | Q(trainers=user)).distinct()


def sessions_managed_by(user):
    """Sessions the user manages (plans, edits, records attendance of): academy trainers and
    admins all; others the sessions they train or planned, and team leads their unit's team
    sessions. A TdT meeting the academy holds at a school is not its participants' to manage."""
    qs = Session.objects.all()
    if organisations.is_admin_or_academy_trainer(user):
        return qs
    return qs.filter(
        Q(trainers=user)
        | Q(planned_by=user)
        | Q(kind=Session.Kind.TEAM, unit_id__in=organisations.team_lead_unit_ids(user))
    ).distinct()


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
