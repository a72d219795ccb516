"""The one authorization layer: role look-ups, `rules` predicates, scoped querysets and
Wagtail permission policies. Every app asks here; views never hand-roll scope checks.

Academy roles see across all schools; everybody else sees only the units they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from wagtail.permission_policies.base import ModelPermissionPolicy

from .models import (
    ACADEMY_ROLES,
    TEAM_LEAD_ROLES,
    UNIT_MANAGER_ROLES,
    Membership,
    OrganisationUnit,
    RoleCode,
)

_CACHE_ATTR = "_glans_user_roles"


@dataclass(frozen=True)
class UserRoles:
    """The roles a user holds now: academy-wide ones, and per organisation unit."""

    academy: frozenset[str] = frozenset()
    by_unit: dict[int, frozenset[str]] = field(default_factory=dict)
    is_superuser: bool = False
    group_ids: frozenset[int] = frozenset()  # groups/classes of the user's current memberships
    # Holds a role that must use two factors (platform admin, auditor, superuser) …
    two_factor_role: bool = False
    # … and this session has not verified one: those roles are left out above (issue #23).
    second_factor_missing: bool = False

    def units_with(self, codes) -> set[int]:
        codes = set(codes)
        return {unit_id for unit_id, held in self.by_unit.items() if held & codes}

    def has_unit_role(self, unit_id, codes) -> bool:
        return bool(self.by_unit.get(unit_id, frozenset()) & set(codes))

    @property
    def is_academy(self) -> bool:
        return self.is_superuser or bool(self.academy & ACADEMY_ROLES)

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or RoleCode.PLATFORM_ADMIN in self.academy


def user_roles(user) -> UserRoles:
    """All current roles of `user`, in one query, cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return UserRoles()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    academy: set[str] = set()
    by_unit: dict[int, set[str]] = {}
    group_ids: set[int] = set()
    rows = (
        Membership.objects.current()
        .filter(user=user)
        .values_list("unit_id", "roles__code", "groups__id")
        .distinct()
    )
    for unit_id, code, group_id in rows:
        if group_id is not None and unit_id is not None:
            group_ids.add(group_id)
        if code is None:
            continue
        if unit_id is None:
            academy.add(code)
        else:
            by_unit.setdefault(unit_id, set()).add(code)
    is_superuser = user.is_superuser
    two_factor_role = is_superuser or bool(academy & TWO_FACTOR_ROLES)
    missing = two_factor_role and second_factor_missing(user)
    if missing:
        # No elevated permission at all until the second factor is verified: the academy
        # roles and the superuser flag count for nothing (their own school roles remain).
        academy, is_superuser = set(), False
    roles_ = UserRoles(
        academy=frozenset(academy),
        by_unit={k: frozenset(v) for k, v in by_unit.items()},
        is_superuser=is_superuser,
        group_ids=frozenset(group_ids),
        two_factor_role=two_factor_role,
        second_factor_missing=missing,
    )
    setattr(user, _CACHE_ATTR, roles_)
    return roles_


def member_unit_ids(user) -> set[int]:
    """The units the user is a current member of (any role)."""
    return set(user_roles(user).by_unit)


def team_lead_unit_ids(user) -> list[int]:
    """The units whose team the user leads (director, TdT participant)."""
    return sorted(user_roles(user).units_with(TEAM_LEAD_ROLES))


def holds_academy_trainer_role(user) -> bool:
    """The academy trainer role itself (superusers not included: for landing pages)."""
    return RoleCode.ACADEMY_TRAINER in user_roles(user).academy


# Roles that must use two factors: platform admins and auditors (and superusers).
TWO_FACTOR_ROLES = frozenset({RoleCode.PLATFORM_ADMIN, RoleCode.ACADEMY_AUDITOR})


def second_factor_missing(user) -> bool:
    """Whether `user` came in through a login that knows second factors (a web session
    through django-otp's middleware, or an API key: core/api_auth.py sets `is_verified`)
    without a verified one. A user object without `is_verified` was not logged in at all:
    management commands, tasks and the shell, which act with the operator's authority."""
    verified = getattr(user, "is_verified", None)
    if verified is None:
        return False
    return not verified()


def forget_roles(user) -> None:
    """Drop the cached roles (after memberships changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _unit_id(unit) -> int | None:
    if unit is None:
        return None
    if isinstance(unit, OrganisationUnit):
        return unit.pk
    return getattr(unit, "unit_id", None) if isinstance(unit, Model) else unit


# --- predicates -------------------------------------------------------------------------


@rules.predicate
def is_academy_staff(user) -> bool:
    return user_roles(user).is_academy


@rules.predicate
def is_platform_admin(user) -> bool:
    return user_roles(user).is_platform_admin


@rules.predicate
def is_academy_auditor(user) -> bool:
    r = user_roles(user)
    return r.is_superuser or RoleCode.ACADEMY_AUDITOR in r.academy


@rules.predicate
def is_academy_trainer(user) -> bool:
    r = user_roles(user)
    return r.is_superuser or RoleCode.ACADEMY_TRAINER in r.academy


@rules.predicate
def is_admin_or_academy_trainer(user) -> bool:
    """Platform admins and academy trainers: they plan and manage every session, enrol anyone
    and follow every team's progress."""
    r = user_roles(user)
    return r.is_platform_admin or RoleCode.ACADEMY_TRAINER in r.academy


@rules.predicate
def is_unit_manager(user) -> bool:
    """Manages at least one unit (a director)."""
    return bool(user_roles(user).units_with(UNIT_MANAGER_ROLES))


@rules.predicate
def is_team_lead(user) -> bool:
    """Leads the team of at least one unit (director or TdT participant)."""
    return bool(user_roles(user).units_with(TEAM_LEAD_ROLES))


@rules.predicate
def may_see_team_progress(user) -> bool:
    """Whether the user follows the progress of some team: admins and academy trainers every
    team's, team leads their own (which units: progress_units)."""
    return is_admin_or_academy_trainer(user) or is_team_lead(user)


def tdt_meeting_units(user) -> set[int] | None:
    """Units whose Train-de-Trainer meetings the user may join: None for every unit (admins
    and academy trainers); else the units where they lead the team (director or TdT
    participant). A teacher's TdT participant goes to those meetings, not the teacher."""
    if is_admin_or_academy_trainer(user):
        return None
    return user_roles(user).units_with(TEAM_LEAD_ROLES)


@rules.predicate
def manages_unit(user, unit) -> bool:
    return user_roles(user).has_unit_role(_unit_id(unit), UNIT_MANAGER_ROLES)


@rules.predicate
def leads_unit_team(user, unit) -> bool:
    return user_roles(user).has_unit_role(_unit_id(unit), TEAM_LEAD_ROLES)


@rules.predicate
def belongs_to_unit(user, unit) -> bool:
    return _unit_id(unit) in user_roles(user).by_unit


@rules.predicate
def manages_this_unit(user, unit=None) -> bool:
    """Without a unit: manages at least one unit; with a unit: manages that one."""
    if unit is None:
        return is_unit_manager(user)
    return manages_unit(user, unit)


# Auditors see aggregates only, never staff lists (names, e-mail addresses).
sees_people_everywhere = is_platform_admin | is_academy_trainer
can_view_unit_members = sees_people_everywhere | leads_unit_team
can_manage_unit = is_platform_admin | manages_unit
can_enter_admin = is_academy_staff | is_unit_manager | is_team_lead
# Adding people to a unit (creating accounts, e.g. from a staff list): its managers only;
# TdT participants enrol existing team members.
can_add_unit_members = is_platform_admin | manages_unit

rules.add_perm("glans_organisations.view_unit_members", can_view_unit_members)
rules.add_perm("glans_organisations.manage_unit", can_manage_unit)
rules.add_perm("glans_organisations.add_unit_members", can_add_unit_members)
rules.add_perm("wagtailadmin.access_admin", can_enter_admin)

# Model-level permissions for the admin screens (object-level checks use the scopes below).
for _model in ("membership", "group"):
    for _action in ("add", "change", "delete", "view"):
        rules.add_perm(
            f"glans_organisations.{_action}_{_model}", is_platform_admin | is_unit_manager
        )
rules.add_perm("glans_organisations.view_organisationunit", is_academy_staff | is_unit_manager)
# Viewing a unit follows visibility; changing or deleting it needs management rights on it.
rules.add_perm("glans_organisations.change_organisationunit", is_platform_admin | manages_this_unit)
for _model in ("board", "organisationunit", "schoolyear", "role"):
    for _action in ("add", "delete"):
        rules.add_perm(f"glans_organisations.{_action}_{_model}", is_platform_admin)
for _model in ("board", "schoolyear", "role"):
    rules.add_perm(f"glans_organisations.change_{_model}", is_platform_admin)
    rules.add_perm(f"glans_organisations.view_{_model}", is_academy_staff)


# --- scoped querysets -------------------------------------------------------------------


def visible_units(user) -> QuerySet[OrganisationUnit]:
    """Units the user may see: all for academy roles, else the units they belong to."""
    r = user_roles(user)
    qs = OrganisationUnit.objects.select_related("board")
    if r.is_academy:
        return qs
    return qs.filter(pk__in=list(r.by_unit))


def units_with_roles(user, codes) -> QuerySet[OrganisationUnit]:
    """Units where the user holds one of `codes` (academy roles: all units)."""
    r = user_roles(user)
    qs = OrganisationUnit.objects.select_related("board")
    if r.is_academy:
        return qs
    return qs.filter(pk__in=list(r.units_with(codes)))


def managed_units(user) -> QuerySet[OrganisationUnit]:
    r = user_roles(user)
    qs = OrganisationUnit.objects.select_related("board")
    if r.is_platform_admin:
        return qs
    return qs.filter(pk__in=list(r.units_with(UNIT_MANAGER_ROLES)))


def team_units(user) -> QuerySet[OrganisationUnit]:
    """Units whose team the user leads (director/TdT participant; academy: all)."""
    return units_with_roles(user, TEAM_LEAD_ROLES)


def manageable_memberships(user) -> QuerySet[Membership]:
    r = user_roles(user)
    qs = Membership.objects.all()
    if r.is_platform_admin:
        return qs
    return qs.filter(unit__in=managed_units(user))


def visible_users(user):
    """People the user may see: members of the units whose team they lead (platform admins
    and academy trainers: everybody; auditors: nobody, they see aggregates)."""
    User = get_user_model()
    r = user_roles(user)
    if r.is_platform_admin or RoleCode.ACADEMY_TRAINER in r.academy:
        return User.objects.all()
    unit_ids = list(r.units_with(TEAM_LEAD_ROLES))
    return User.objects.filter(glans_memberships__unit_id__in=unit_ids).distinct()


def attachable_users(user):
    """People `user` may give a membership by picking them (admin membership form): platform
    admins anybody; directors only people already in a unit they manage. Anyone else joins
    through an invitation they accept themselves (services.member_add_by_email)."""
    User = get_user_model()
    if user_roles(user).is_platform_admin:
        return User.objects.all()
    unit_ids = list(user_roles(user).units_with(UNIT_MANAGER_ROLES))
    return User.objects.filter(glans_memberships__unit_id__in=unit_ids).distinct()


def get_visible_unit_or_404(user, unit_id, *, perm: str) -> OrganisationUnit:
    """Fetch a unit for `perm`; a unit the user may not see is 404, one they see but may
    not use for `perm` raises PermissionDenied."""
    unit = OrganisationUnit.objects.select_related("board").filter(pk=unit_id).first()
    if unit is None or not (user_roles(user).is_academy or belongs_to_unit(user, unit)):
        raise Http404
    if not has_perm(user, perm, unit):
        raise PermissionDenied
    return unit


# --- Wagtail permission policies --------------------------------------------------------

# Models whose instances are scoped per user, with their policy (filled by
# ScopedPermissionPolicy); their log entries are scoped alike (see audit_log.py).
SCOPED_POLICIES: dict[type[Model], ScopedPermissionPolicy] = {}


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """A Wagtail permission policy that asks `rules` for model-level permissions and a scope
    function for which instances a user may act on."""

    def __init__(self, model, scope, auth_model=None, *, action_scopes=None, actions=None):
        super().__init__(model, auth_model=auth_model)
        self.scope = scope
        # If given, the only actions anybody (superusers too) may take on this model.
        self.actions = frozenset(actions) if actions is not None else None
        # Narrower scopes for some actions, e.g. {"change": managed_units}: a unit is *seen*
        # by its members but *changed* only by those who manage it.
        self.action_scopes = dict(action_scopes or {})
        SCOPED_POLICIES[model] = self

    def scope_for(self, user, action):
        return self.action_scopes.get(action, self.scope)(user)

    def user_has_permission(self, user, action):
        if self.actions is not None and action not in self.actions:
            return False
        return user.is_active and user.has_perm(self._get_permission_name(action))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return self.scope_for(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        allowed = [a for a in actions if self.user_has_permission(user, a)]
        if not allowed:
            return self.model._default_manager.none()
        scopes = {self.action_scopes.get(a, self.scope) for a in allowed}
        if len(scopes) == 1:
            return next(iter(scopes))(user)
        pks = set()
        for scope in scopes:
            pks.update(scope(user).values_list("pk", flat=True))
        return self.model._default_manager.filter(pk__in=pks)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and self.scope_for(user, action).filter(pk=instance.pk).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)


def log_entries_viewable_by(entries, user):
    """The scoped log entries `user` may see: platform admins all (deleted objects' entries
    included), anybody else those about objects in a scoped policy's view/change/delete scope
    (audit_log.py asks through its hook)."""
    if user_roles(user).is_platform_admin:
        return entries
    allowed = Q(pk__in=[])
    for model, policy in SCOPED_POLICIES.items():
        scope = policy.instances_user_has_any_permission_for(user, ["view", "change", "delete"])
        ids = scope.order_by().annotate(_glans_id=Cast("pk", CharField())).values("_glans_id")
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        allowed |= Q(content_type=content_type, object_id__in=ids)
    return entries.filter(allowed)


def scope_all(model):
    return lambda user: model._default_manager.all()


@rules.predicate
def is_tdt_participant(user) -> bool:
    return bool(user_roles(user).units_with({RoleCode.TDT_PARTICIPANT}))


# Two-factor authentication is required for these roles, everywhere (core asks through the
# `glans_requires_two_factor` hook, see wagtail_hooks.py): until the session has verified a
# second factor, user_roles() leaves their elevated roles out, so every predicate, scope
# and policy of this module refuses what only those roles may do — front end, admin, API.


@rules.predicate
def requires_two_factor(user) -> bool:
    return user_roles(user).two_factor_role


def lacks_second_factor(user) -> bool:
    """Holds a two-factor role but has not verified a second factor in this session."""
    return user_roles(user).second_factor_missing


def has_perm(user, perm: str, obj=None) -> bool:
    """`user.has_perm` without Django's superuser shortcut, which would skip the two-factor
    rule: the rule's predicates decide for everybody."""
    return bool(getattr(user, "is_active", False)) and rules.has_perm(perm, user, obj)


can_see_trainer_notes = is_academy_trainer | is_platform_admin | is_tdt_participant
rules.add_perm("glans_content.view_trainer_notes", can_see_trainer_notes)
# A trainer guide's printable kit and slides: whoever sees trainer notes, and directors, who
# run the team session with their TdT teachers.
can_use_trainer_kit = can_see_trainer_notes | is_unit_manager
rules.add_perm("glans_courses.use_trainer_kit", can_use_trainer_kit)


can_view_team_progress = is_admin_or_academy_trainer | leads_unit_team
rules.add_perm("glans_courses.view_team_progress", can_view_team_progress)


def progress_units(user) -> QuerySet[OrganisationUnit]:
    """Units whose team progress the user may follow: academy trainers and admins all; team
    leads (director, TdT participant) their own. Auditors see aggregates elsewhere, not names."""
    r = user_roles(user)
    qs = OrganisationUnit.objects.select_related("board")
    if is_admin_or_academy_trainer(user):
        return qs
    return qs.filter(pk__in=list(r.units_with(TEAM_LEAD_ROLES)))


# --- certification ("School met Glans") -------------------------------------------------
# Model-agnostic predicates and scopes (organisations does not import certification); the
# certification app builds its querysets on `handbook_units` / `certification_units`.

HANDBOOK_ROLES = frozenset({RoleCode.DIRECTOR, RoleCode.SCHOOL_EXPERTGROEP})
CERTIFICATION_VIEW_ROLES = HANDBOOK_ROLES | frozenset({RoleCode.TDT_PARTICIPANT, RoleCode.IB})


def handbook_units(user) -> QuerySet[OrganisationUnit]:
    """Units whose handbook the user writes: the director and the school's Expertgroep.
    Nobody at the academy writes a school's handbook (auditors judge it)."""
    r = user_roles(user)
    return OrganisationUnit.objects.filter(pk__in=list(r.units_with(HANDBOOK_ROLES)))


def certification_units(user) -> QuerySet[OrganisationUnit]:
    """Units whose handbook, pre-checks and application the user may read: academy staff all
    of them; a school's director, Expertgroep, TdT participants and IB'er their own."""
    r = user_roles(user)
    qs = OrganisationUnit.objects.select_related("board")
    if r.is_academy:
        return qs
    return qs.filter(pk__in=list(r.units_with(CERTIFICATION_VIEW_ROLES)))


def has_certification_units(user) -> bool:
    """`certification_units(user).exists()`, for the menu on every page: without a query for
    a school's team (their roles, already read, name units that exist); academy staff read it
    once per request (remembered on the user object, which lives as long as the request)."""
    r = user_roles(user)
    if not r.is_academy:
        return bool(r.units_with(CERTIFICATION_VIEW_ROLES))
    cached = getattr(user, "_glans_has_certification_units", None)
    if cached is None:
        cached = OrganisationUnit.objects.exists()
        user._glans_has_certification_units = cached
    return cached


def certificate_units(user) -> QuerySet[OrganisationUnit]:
    """Units whose certificate (page and PDF) the user may see: those of
    `certification_units`, plus every school of a board whose board-level Expertgroep the
    user sits in (the certificate holds no parent data)."""
    r = user_roles(user)
    qs = certification_units(user)
    if r.is_academy:
        return qs
    board_units = r.units_with(frozenset({RoleCode.BOARD_EXPERTGROEP}))
    if not board_units:
        return qs
    boards = OrganisationUnit.objects.filter(pk__in=list(board_units)).values("board_id")
    return OrganisationUnit.objects.select_related("board").filter(
        Q(pk__in=qs.values("pk")) | Q(board_id__in=boards)
    )


@rules.predicate
def in_handbook_team(user, unit) -> bool:
    """The school's own team around the handbook (director, Expertgroep, TdT participants,
    IB'er): they read and write comments and read attachments. Not the academy: auditors
    judge the frozen dossier, not the work in progress."""
    return user_roles(user).has_unit_role(_unit_id(unit), CERTIFICATION_VIEW_ROLES)


@rules.predicate
def writes_a_handbook(user) -> bool:
    return bool(user_roles(user).units_with(HANDBOOK_ROLES))


@rules.predicate
def writes_handbook_of(user, unit) -> bool:
    return user_roles(user).has_unit_role(_unit_id(unit), HANDBOOK_ROLES)


@rules.predicate
def may_audit_unit(user, unit=None) -> bool:
    """An academy auditor who does not belong to the unit: a school never judges itself."""
    if not is_academy_auditor(user):
        return False
    return unit is None or _unit_id(unit) not in user_roles(user).by_unit


can_apply_for_certificate = writes_handbook_of


def may_manage_personal_data(by, person) -> bool:
    """Who may see the export of a person's data and (others than themself) erase them: the
    person (export only, see privacy.person_erase) and platform admins; a director only for
    someone whose memberships are *all* in units that director manages, and never for
    academy staff or admin accounts. So it never follows from a membership at one school
    while the person also belongs elsewhere (issue #23)."""
    if not getattr(by, "is_authenticated", False) or person is None:
        return False
    if by.pk == person.pk or is_platform_admin(by):
        return True
    if person.is_staff or person.is_superuser:
        return False
    memberships = Membership.objects.filter(user=person)
    if not memberships.exists() or memberships.filter(unit__isnull=True).exists():
        return False  # nobody's, or academy staff
    managed = list(managed_units(by).values_list("pk", flat=True))
    return not memberships.exclude(unit_id__in=managed).exists()


def may_erase_person(by, person) -> bool:
    """Who may erase `person` (given may_manage_personal_data): never themself; staff accounts
    (Django staff, superusers, platform admins) only by a platform admin."""
    if by.pk == person.pk:
        return False
    staff = person.is_staff or is_platform_admin(person)
    return not staff or is_platform_admin(by)


# --- team sessions from the front end --------------------------------------------------
# A team lead (director or TdT participant of the unit) plans a team session for their own
# unit from a trainer guide, invites the team and records its attendance; never for another
# school (academy staff plan academy sessions in the admin).
may_plan_team_session = leads_unit_team


def team_session_units(user) -> QuerySet[OrganisationUnit]:
    """The units a user may plan team sessions for: those whose team they lead."""
    return OrganisationUnit.objects.filter(
        pk__in=list(user_roles(user).units_with(TEAM_LEAD_ROLES))
    ).order_by("name")


@rules.predicate
def may_plan_team_sessions(user) -> bool:
    """Leads at least one team, so may plan team sessions somewhere."""
    return is_team_lead(user)


# The presenter view of a trainer guide: whoever may read the guide's trainer notes.
may_present_guide = can_see_trainer_notes
