"""Writes for organisations and people (services). Views, admin, API and commands call these."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import permissions
from .models import Board, Membership, OrganisationUnit, Role, RoleCode, SchoolYear, UnitType
from .permissions import forget_roles


def _unique_username(base: str) -> str:
    User = get_user_model()
    base = slugify(base).replace("-", ".")[:140] or "gebruiker"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def user_create(*, email: str, first_name: str = "", last_name: str = "", username: str = ""):
    User = get_user_model()
    user = User(
        username=username or _unique_username(email.split("@")[0]),
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def membership_grant(
    *,
    user,
    unit: OrganisationUnit | None,
    role_codes: list[str],
    school_year: SchoolYear | None = None,
) -> Membership:
    """Give `user` the roles in `unit` (idempotent: adds to an existing membership)."""
    membership, _ = Membership.objects.get_or_create(user=user, unit=unit, school_year=school_year)
    membership.roles.add(*Role.objects.filter(code__in=role_codes))
    forget_roles(user)
    return membership


def membership_check(*, by, unit, roles, groups) -> None:
    """The rules for a membership someone records: `by` manages the unit (or is a platform
    admin for an academy membership); academy roles only without a unit, school roles only
    with one; groups of that unit only. Raises ValidationError/PermissionDenied."""
    if unit is None:
        if not permissions.is_platform_admin(by):
            raise PermissionDenied
    elif not permissions.managed_units(by).filter(pk=unit.pk).exists():
        raise PermissionDenied
    academy = [role for role in roles if role.is_academy_role]
    if unit is not None and academy:
        raise ValidationError(
            {"roles": _("Academierollen horen bij een lidmaatschap zonder eenheid.")}
        )
    if unit is None and len(academy) != len(roles):
        raise ValidationError({"unit": _("Kies een organisatie-eenheid voor deze rollen.")})
    if any(unit is None or group.unit_id != unit.pk for group in groups):
        raise ValidationError({"groups": _("Een groep hoort bij een andere organisatie-eenheid.")})


@transaction.atomic
def membership_save(*, by, membership: Membership, roles, groups) -> Membership:
    """Save a membership recorded by `by` (the admin's one write path), within the rules of
    membership_check, for the person already set on it."""
    membership_check(by=by, unit=membership.unit, roles=list(roles), groups=list(groups))
    if membership.pk:
        before = Membership.objects.select_for_update().get(pk=membership.pk)
        if before.unit_id != membership.unit_id:
            membership_check(by=by, unit=before.unit, roles=[], groups=[])
    membership.full_clean(exclude=["user"] if membership.user_id is None else None)
    membership.save()
    membership.roles.set(roles)
    membership.groups.set(groups)
    forget_roles(membership.user)
    return membership


def school_year_current_or_create(*, today: date | None = None) -> tuple[SchoolYear, bool]:
    """The school year running today; when there is none, the Dutch school year around today
    (1 August to 31 July) is created. Returns (year, created)."""
    today = today or timezone.localdate()
    year = SchoolYear.current(today)
    if year is not None:
        return year, False
    first = today.year if today.month >= 8 else today.year - 1
    return SchoolYear.objects.get_or_create(
        label=f"{first}-{first + 1}",
        defaults={"start_date": date(first, 8, 1), "end_date": date(first + 1, 7, 31)},
    )


@dataclass(frozen=True)
class FirstRun:
    school_year: SchoolYear
    board: Board
    unit: OrganisationUnit
    director_membership: Membership
    created: tuple[str, ...]


@transaction.atomic
def organisation_first_run(
    *,
    director,
    board_name: str,
    unit_name: str,
    unit_type: str = UnitType.PO,
    members=(),
    today: date | None = None,
) -> FirstRun:
    """What a new site needs before anyone can enrol: a current school year, a board with a
    unit, the unit's director (an ongoing membership) and, optionally, members (learners for
    the current year). Idempotent: running it again changes nothing."""
    created = []
    year, year_created = school_year_current_or_create(today=today)
    board, board_created = Board.objects.get_or_create(name=board_name)
    unit, unit_created = OrganisationUnit.objects.get_or_create(
        board=board, name=unit_name, defaults={"unit_type": unit_type}
    )
    for label, flag in (("school_year", year_created), ("board", board_created)):
        if flag:
            created.append(label)
    if unit_created:
        created.append("unit")
    director_membership = membership_grant(
        user=director, unit=unit, role_codes=[RoleCode.DIRECTOR], school_year=None
    )
    for member in members:
        membership_grant(user=member, unit=unit, role_codes=[RoleCode.LEARNER], school_year=year)
    return FirstRun(year, board, unit, director_membership, tuple(created))
