"""Writes for organisations and people (services). Views, admin, API and commands call these."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from .models import Membership, OrganisationUnit, Role, SchoolYear
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
