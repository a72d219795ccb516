"""Who may see and rate what in the oudervolgsysteem. Built only from the organisations
layer (`user_roles`, role codes, rules predicates), so the rules of roles live once.

- teachers rate the relationships of their own groups (their membership's groups);
- the director, IB'er and school Expertgroep see their school (groups included);
- labels: only the group's teachers, the IB'er and the school's Expertgroep;
- the board-level Expertgroep sees aggregates per school of its board; the academy sees
  aggregates of every board; outside the school small cells are suppressed.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.db.models import QuerySet
from wagtail.permissions import register_permission_policy

from glans_learning.organisations.models import Board, Group, OrganisationUnit, RoleCode
from glans_learning.organisations.permissions import (
    ScopedPermissionPolicy,
    is_academy_staff,
    scope_all,
    user_roles,
)

from .models import MeasurementMoment, Target

SCHOOL_VIEW_ROLES = frozenset({RoleCode.DIRECTOR, RoleCode.IB, RoleCode.SCHOOL_EXPERTGROEP})
LABEL_ROLES = frozenset({RoleCode.IB, RoleCode.SCHOOL_EXPERTGROEP})
FOLLOW_UP_ROLES = frozenset({RoleCode.IB, RoleCode.DIRECTOR})
BOARD_ROLES = frozenset({RoleCode.BOARD_EXPERTGROEP})
MIN_CELL = 5  # default of GLANS_MEASUREMENT_MIN_CELL


def min_cell() -> int:
    """Outside the school, a cell with fewer relationships, or with fewer ratings (but some),
    than this is suppressed (board, academy, API, exports)."""
    return int(getattr(settings, "GLANS_MEASUREMENT_MIN_CELL", MIN_CELL))


SCHOOL, MEMBER, OUTSIDE = "school", "member", "outside"


def _unit_id(unit) -> int:
    return unit if isinstance(unit, int) else unit.pk


def teacher_group_ids(user) -> set[int]:
    """Groups the user teaches now (their current memberships' groups); read with the
    user's roles, in the same query."""
    return set(user_roles(user).group_ids)


def rateable_groups(user) -> QuerySet[Group]:
    return Group.objects.filter(pk__in=teacher_group_ids(user)).select_related(
        "unit", "school_year"
    )


def board_ids(user) -> set[int]:
    """Boards whose board-level Expertgroep the user sits in."""
    unit_ids = user_roles(user).units_with(BOARD_ROLES)
    if not unit_ids:
        return set()
    return set(OrganisationUnit.objects.filter(pk__in=unit_ids).values_list("board_id", flat=True))


def visible_board(user, board_id: int | None) -> Board | None:
    """The board with this id if the user may see its schools' aggregates (academy staff, or
    the board-level Expertgroep of that board); None otherwise (callers answer 404)."""
    if board_id is None:
        return None
    board = Board.objects.filter(pk=board_id).first()
    if board is None or not (user_roles(user).is_academy or board.pk in board_ids(user)):
        return None
    return board


def unit_access(user, unit: OrganisationUnit) -> str | None:
    """How `user` sees `unit`: SCHOOL (everything of the school, no suppression), MEMBER (a
    teacher of the school: school totals and own groups), OUTSIDE (aggregates, suppressed)
    or None (nothing; callers answer 404)."""
    roles = user_roles(user)
    if roles.has_unit_role(unit.pk, SCHOOL_VIEW_ROLES):
        return SCHOOL
    if unit.pk in roles.by_unit and teacher_group_ids(user):
        return MEMBER
    if roles.is_academy or unit.board_id in board_ids(user):
        return OUTSIDE
    return None


def can_rate(user, group) -> bool:
    return group.pk in teacher_group_ids(user)


def can_see_labels(user, group) -> bool:
    return can_rate(user, group) or user_roles(user).has_unit_role(group.unit_id, LABEL_ROLES)


def label_group_ids(user, unit) -> set[int] | None:
    """Groups of `unit` whose labels the user may see: None means all of them."""
    if user_roles(user).has_unit_role(_unit_id(unit), LABEL_ROLES):
        return None
    return teacher_group_ids(user)


def school_units(user) -> QuerySet[OrganisationUnit]:
    """Units whose school dashboard the user may open."""
    ids = user_roles(user).units_with(SCHOOL_VIEW_ROLES)
    return OrganisationUnit.objects.filter(pk__in=list(ids)).select_related("board")


def can_follow_up(user, unit) -> bool:
    return user_roles(user).has_unit_role(_unit_id(unit), FOLLOW_UP_ROLES)


@rules.predicate
def is_group_teacher(user) -> bool:
    return bool(teacher_group_ids(user))


@rules.predicate
def sees_a_school(user) -> bool:
    return bool(user_roles(user).units_with(SCHOOL_VIEW_ROLES))


@rules.predicate
def sits_in_board_expertgroep(user) -> bool:
    return bool(user_roles(user).units_with(BOARD_ROLES))


rules.add_perm("glans_measurement.rate", is_group_teacher)
rules.add_perm("glans_measurement.view_school", sees_a_school)
rules.add_perm("glans_measurement.view_board", sits_in_board_expertgroep)
rules.add_perm("glans_measurement.view_academy", is_academy_staff)


# Admin screens: targets per board (the academy sees them, platform admins set them) and
# moments per unit (the school's director plans them; platform admins everywhere).
from glans_learning.organisations.permissions import (  # noqa: E402
    is_platform_admin,
    is_unit_manager,
    managed_units,
)


def uses_measurement(user) -> bool:
    """Whether the oudervolgsysteem has anything for `user` (menu item, index page)."""
    roles = user_roles(user)
    return bool(
        teacher_group_ids(user)
        or roles.units_with(SCHOOL_VIEW_ROLES | BOARD_ROLES)
        or roles.is_academy
    )


can_manage_moments = is_platform_admin | is_unit_manager
for _action in ("add", "change", "delete", "view"):
    rules.add_perm(f"glans_measurement.{_action}_measurementmoment", can_manage_moments)
    rules.add_perm(
        f"glans_measurement.{_action}_target",
        is_academy_staff if _action == "view" else is_platform_admin,
    )


def manageable_moments(user):
    return MeasurementMoment.objects.filter(unit__in=managed_units(user))


def register_policies() -> None:
    """The scoped admin policies of this app's models (AppConfig.ready)."""
    register_permission_policy(Target, ScopedPermissionPolicy(Target, scope_all(Target)))
    register_permission_policy(
        MeasurementMoment, ScopedPermissionPolicy(MeasurementMoment, manageable_moments)
    )
