"""Reads for single sign-on: which school a login page is for, the providers to offer, a
school's pending memberships."""

from allauth.socialaccount.models import SocialAccount
from django.core import signing
from django.urls import Resolver404, resolve

from glans_learning.organisations.join_invitations import JOIN_SALT
from glans_learning.organisations.models import Membership, MembershipInvitation

from .models import IdentityProvider, JoinStatus, SchoolLoginSettings, SsoJoinRequest


def _unit_from_join_link(next_url: str) -> int | None:
    """The school of an invitation to join, when the login page was opened on the way to it
    (the token is only read, not checked against anybody: it names a school, nothing else)."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//"):
        return None
    try:
        match = resolve(next_url.split("?", 1)[0])
    except Resolver404:
        return None
    if match.view_name != "glans_join:join":
        return None
    try:
        data = signing.TimestampSigner(salt=JOIN_SALT).unsign_object(match.kwargs["token"])
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    return (
        MembershipInvitation.objects.filter(pk=data["i"]).values_list("unit_id", flat=True).first()
    )


def login_school_ids(request, *, user=None, next_url: str = "") -> set[int]:
    """The school(s) a login page is for: `?school=<id>`, the join link it leads to, or the
    invited person's own school(s)."""
    wanted = request.GET.get("school", "")
    if wanted.isdigit() and 0 < int(wanted) < 2**62:
        return {int(wanted)}
    unit_id = _unit_from_join_link(next_url)
    if unit_id:
        return {unit_id}
    if user is not None and user.pk:
        return set(
            Membership.objects.current()
            .filter(user=user, unit__isnull=False)
            .values_list("unit_id", flat=True)
        )
    return set()


def providers_for(unit_ids: set[int]):
    qs = IdentityProvider.objects.filter(is_active=True)
    if unit_ids:
        qs = qs.filter(units__pk__in=unit_ids, units__is_active=True).distinct()
    return qs.order_by("name")


def password_login_on(unit_ids: set[int]) -> bool:
    return not SchoolLoginSettings.objects.filter(
        unit_id__in=unit_ids, password_login=False
    ).exists()


def pending_join_requests(unit):
    return (
        SsoJoinRequest.objects.filter(unit=unit, status=JoinStatus.PENDING)
        .select_related("user", "provider")
        .order_by("created_at")
    )


def linked_providers(user):
    slugs = SocialAccount.objects.filter(user=user).values_list("provider", flat=True)
    return list(IdentityProvider.objects.filter(slug__in=list(slugs)).order_by("name"))


def connectable_providers(user):
    rows = list(Membership.objects.current().filter(user=user).values_list("unit_id", flat=True))
    qs = IdentityProvider.objects.filter(is_active=True)
    if any(unit_id is None for unit_id in rows):  # academy staff: any provider
        return list(qs.order_by("name"))
    return list(qs.filter(units__pk__in=rows).distinct().order_by("name"))
