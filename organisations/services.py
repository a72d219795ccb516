"""Writes for organisations and people (services). Views, admin, API and commands call these."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail import hooks

from glans_learning.core.services import invitation_send
from glans_learning.core.tasks import enqueue

from . import permissions
from .join_invitations import JOIN_SALT, join_invitation_deliver, join_token  # noqa: F401
from .models import (
    Board,
    Membership,
    MembershipInvitation,
    OrganisationUnit,
    Role,
    RoleCode,
    SchoolYear,
    UnitType,
)
from .permissions import forget_roles
from .tasks import send_join_invitation


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


# --- adding people by e-mail address: a new account, or an invitation to join ---------------


@dataclass(frozen=True)
class MemberAdded:
    """What adding someone by address did. The caller tells the person who typed the
    address the same thing in every case (no way to learn whether an account exists)."""

    email: str
    membership: Membership | None = None  # a new account's membership, or an existing member's
    invitation: MembershipInvitation | None = None  # an existing account was asked to join
    created: bool = False  # a new account was made (and sent a set-password link)
    already_member: bool = False


def _find_account(email: str):
    return get_user_model().objects.filter(email__iexact=email.strip()).order_by("pk").first()


@transaction.atomic
def member_add_by_email(
    *,
    by,
    unit: OrganisationUnit | None,
    email: str,
    role_codes=None,
    roles=None,
    school_year: SchoolYear | None = None,
    groups=(),
    first_name: str = "",
    last_name: str = "",
    payload: dict | None = None,
) -> MemberAdded:
    """The one way to add a person to a unit by typing their address (staff-list upload,
    admin membership form). `by` must manage the unit (membership_check).

    - No account with this address: one is made, with the membership, and the person gets a
      set-password invitation.
    - An account that is already a current member of the unit: nothing changes.
    - Any other existing account: **no membership**. The person gets an e-mail asking them
      to join, which only they can accept, logged in as that account (join_accept). An
      account never becomes a school's member because somebody knows its address.
    """
    if roles is None:
        roles = list(Role.objects.filter(code__in=list(role_codes or [RoleCode.LEARNER])))
    roles, groups = list(roles), list(groups)
    membership_check(by=by, unit=unit, roles=roles, groups=groups)
    email = email.strip()
    existing = _find_account(email)
    if existing is None:
        user = user_create(email=email, first_name=first_name, last_name=last_name)
        membership = Membership(user=user, unit=unit, school_year=school_year)
        membership = membership_save(by=by, membership=membership, roles=roles, groups=groups)
        invitation_send(user=user, by=by)  # e-mailed once the transaction commits
        return MemberAdded(email=email, membership=membership, created=True)
    current = (
        Membership.objects.current().filter(user=existing, unit=unit).order_by("pk").first()
        if unit is not None
        else None
    )
    if current is not None:
        return MemberAdded(email=email, membership=current, already_member=True)
    invitation = (
        MembershipInvitation.objects.select_for_update()
        .filter(
            user=existing,
            unit=unit,
            school_year=school_year,
            accepted_at__isnull=True,
            declined_at__isnull=True,
        )
        .first()
    )
    if invitation is None:
        invitation = MembershipInvitation.objects.create(
            user=existing, unit=unit, school_year=school_year, invited_by=by, payload={}
        )
    invitation.invited_by = by
    invitation.payload = {**invitation.payload, **(payload or {})}
    invitation.save(update_fields=["invited_by", "payload"])
    invitation.roles.add(*roles)
    invitation.groups.add(*groups)

    enqueue(send_join_invitation, invitation.pk)
    return MemberAdded(email=email, invitation=invitation)


def join_invitation_check(*, token: str, user):
    """The open invitation a join link stands for, if it is addressed to `user` (the person
    logged in); else ValidationError with the same message for every reason, so a link
    says nothing to anyone else."""
    refused = ValidationError(
        _(
            "Deze uitnodiging is niet (meer) geldig voor het account waarmee je bent "
            "ingelogd. Log in met het account waarvoor de uitnodiging is bedoeld."
        )
    )
    try:
        data = signing.TimestampSigner(salt=JOIN_SALT).unsign_object(
            token, max_age=int(getattr(settings, "GLANS_INVITATION_MAX_AGE", 14 * 86400))
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise refused from None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise refused
    invitation = (
        MembershipInvitation.objects.select_related("unit", "invited_by", "school_year")
        .filter(pk=data["i"], user=user, accepted_at__isnull=True, declined_at__isnull=True)
        .first()
    )
    if invitation is None or not getattr(user, "is_active", False):
        raise refused
    return invitation


# Hook called as hook(invitation, membership) after a person accepted to join a unit:
# apps above organisations carry out the rest of what was asked (courses: the enrolment).
JOIN_ACCEPTED_HOOK = "glans_membership_invitation_accepted"


@transaction.atomic
def join_accept(*, token: str, user) -> Membership:
    """The invited person, logged in as the invited account, agrees to join."""
    invitation = join_invitation_check(token=token, user=user)
    invitation = type(invitation).objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.declined_at:
        raise ValidationError(_("Deze uitnodiging is al gebruikt."))
    membership, _created = Membership.objects.get_or_create(
        user=user, unit=invitation.unit, school_year=invitation.school_year
    )
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    membership.roles.add(*invitation.roles.all())
    membership.groups.add(*invitation.groups.filter(unit_id=invitation.unit_id))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    forget_roles(user)
    for hook in hooks.get_hooks(JOIN_ACCEPTED_HOOK):
        hook(invitation, membership)
    return membership


@transaction.atomic
def join_decline(*, token: str, user) -> None:
    invitation = join_invitation_check(token=token, user=user)
    type(invitation).objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        declined_at=timezone.now()
    )
