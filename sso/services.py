"""Writes for single sign-on (services): providers saved from the admin, the outcome of a
login through a provider (link, new account with a pending membership, refusal), the
director's decision on a pending membership, and what removing someone at a school ends."""

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from glans_learning.organisations.models import Membership, RoleCode
from glans_learning.organisations.services import membership_grant, user_create

from . import permissions, secret_store
from .decisions import AccountFacts, LoginFacts, ProviderFacts, login_decide, mfa_accepted
from .models import IdentityProvider, JoinStatus, Protocol, SchoolLoginSettings, SsoJoinRequest

# --- providers (the admin's one write path) ------------------------------------------------


def _provider_check(provider: IdentityProvider, units) -> None:
    errors = {}
    if provider.protocol == Protocol.OIDC:
        if not provider.server_url:
            errors["server_url"] = _("Vul de issuer van de aanbieder in.")
        if not provider.client_id:
            errors["client_id"] = _("Vul de client-ID in die de aanbieder gaf.")
    elif not provider.metadata_url and not (
        provider.entity_id and provider.sso_url and provider.certificate
    ):
        errors["metadata_url"] = _(
            "Vul het metadata-adres in, of de entity ID, het inlogadres en het certificaat."
        )
    if provider.protocol == Protocol.SAML and provider.metadata_url and not provider.entity_id:
        errors["entity_id"] = _("Vul ook de entity ID van de aanbieder in.")
    if not provider.domains:
        errors["email_domains"] = _("Vul minstens één e-maildomein in.")
    if any(unit.board_id != provider.board_id for unit in units):
        errors["units"] = _("Kies alleen scholen van het gekozen bestuur.")
    if not units:
        errors["units"] = _("Kies minstens één school.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def provider_save(*, by, provider: IdentityProvider, units, secret: str = "") -> IdentityProvider:
    """Save a provider (platform admins). A new secret replaces the stored one, encrypted;
    an empty one keeps it."""
    if not permissions.can_manage_providers(by):
        raise PermissionDenied
    units = list(units)
    _provider_check(provider, units)
    if secret:
        provider.secret_encrypted = secret_store.encrypt(secret)
    provider.full_clean()
    provider.save()
    provider.units.set(units)
    return provider


@transaction.atomic
def provider_delete(*, by, instance: IdentityProvider) -> None:
    if not permissions.can_manage_providers(by):
        raise PermissionDenied
    instance.delete()


# --- the facts a login decision needs --------------------------------------------------------


def provider_facts(provider: IdentityProvider) -> ProviderFacts:
    return ProviderFacts(
        domains=frozenset(provider.domains),
        unit_ids=frozenset(provider.units.filter(is_active=True).values_list("pk", flat=True)),
    )


def account_facts(user) -> AccountFacts:
    rows = list(Membership.objects.current().filter(user=user).values_list("unit_id", flat=True))
    pending = SsoJoinRequest.objects.filter(user=user, status=JoinStatus.PENDING)
    return AccountFacts(
        user_id=user.pk,
        is_active=user.is_active,
        protected=permissions.never_linked_automatically(user),
        unit_ids=frozenset(u for u in rows if u is not None),
        pending_unit_ids=frozenset(pending.values_list("unit_id", flat=True)),
    )


def login_facts(*, provider, email, email_verified, linked_user, school_hint) -> LoginFacts:
    same_email = ()
    if linked_user is None and email:
        users = get_user_model().objects.filter(email__iexact=email.strip()).order_by("pk")
        same_email = tuple(account_facts(u) for u in users[:2])
    linked = account_facts(linked_user) if linked_user is not None else None
    return LoginFacts(
        provider=provider_facts(provider),
        email=email or "",
        email_verified=email_verified,
        linked=linked,
        explicitly_linked=bool(linked and linked.protected),
        same_email=same_email,
        school_hint=school_hint,
    )


def decide(**kwargs):
    return login_decide(login_facts(**kwargs))


# --- carrying a decision out -------------------------------------------------------------------


@transaction.atomic
def account_create_pending(*, provider, unit_id: int, email: str, first_name="", last_name=""):
    """An unknown person signed in through their school's provider: a new account (no
    password; they log in through the provider) and a request to join that waits for the
    school's director. No membership yet, so they see no school data."""
    unit = provider.units.get(pk=unit_id)
    user = user_create(email=email.strip(), first_name=first_name[:150], last_name=last_name[:150])
    SsoJoinRequest.objects.create(user=user, unit=unit, provider=provider)
    return user


def mfa_counts(*, provider: IdentityProvider, asserted: bool) -> bool:
    return mfa_accepted(
        site_opt_in=bool(getattr(settings, "GLANS_SSO_ACCEPT_PROVIDER_MFA", False)),
        provider_opt_in=provider.accept_provider_mfa,
        asserted=asserted,
    )


@transaction.atomic
def join_request_decide(*, by, request_id: int, unit, confirm: bool) -> SsoJoinRequest:
    """The school's director confirms (the person becomes a learner of the school) or
    refuses a pending request. Refused: the account keeps no access to the school."""
    if not permissions.can_decide_join_requests(by, unit):
        raise PermissionDenied
    join = (
        SsoJoinRequest.objects.select_for_update()
        .filter(pk=request_id, unit=unit, status=JoinStatus.PENDING)
        .select_related("user")
        .first()
    )
    if join is None:
        raise ValidationError(_("Deze aanmelding is al afgehandeld of bestaat niet."))
    join.status = JoinStatus.CONFIRMED if confirm else JoinStatus.REFUSED
    join.decided_by = by
    join.decided_at = timezone.now()
    join.save(update_fields=["status", "decided_by", "decided_at"])
    if confirm:
        membership_grant(user=join.user, unit=unit, role_codes=[RoleCode.LEARNER])
    else:
        links_end(user=join.user, unit_id=unit.pk)
    return join


def links_end(*, user, unit_id: int) -> int:
    """SSO access to one school ends for `user`: their links to providers that serve that
    school go, unless the person still belongs (or waits to belong) to another school the
    same provider serves. Returns how many links went."""
    keep = set(
        Membership.objects.current()
        .filter(user=user, unit__isnull=False)
        .exclude(unit_id=unit_id)
        .values_list("unit_id", flat=True)
    ) | set(
        SsoJoinRequest.objects.filter(user=user, status=JoinStatus.PENDING)
        .exclude(unit_id=unit_id)
        .values_list("unit_id", flat=True)
    )
    ended = 0
    for provider in IdentityProvider.objects.filter(units__pk=unit_id).prefetch_related("units"):
        if keep & {u.pk for u in provider.units.all()}:
            continue
        count, _ = SocialAccount.objects.filter(user=user, provider=provider.slug).delete()
        ended += count
    return ended


def on_membership_ended(sender, instance, **kwargs) -> None:
    """Removing someone at a school (membership deleted or deactivated) ends their SSO access
    to it, and any request of theirs to join it."""
    if instance.unit_id is None:
        return
    if instance.is_active and "created" in kwargs:  # post_save of an active membership
        return
    if (
        Membership.objects.current()
        .filter(user_id=instance.user_id, unit_id=instance.unit_id)
        .exists()
    ):
        return
    SsoJoinRequest.objects.filter(
        user_id=instance.user_id, unit_id=instance.unit_id, status=JoinStatus.PENDING
    ).update(status=JoinStatus.ENDED, decided_at=timezone.now())
    links_end(user=instance.user, unit_id=instance.unit_id)


# --- per-school login settings ----------------------------------------------------------------


@transaction.atomic
def login_settings_save(*, by, instance: SchoolLoginSettings) -> SchoolLoginSettings:
    """A school's director (or a platform admin) says whether password login stays."""
    if instance.unit_id is None or not permissions.can_decide_join_requests(by, instance.unit):
        raise PermissionDenied
    if instance.pk:
        before = SchoolLoginSettings.objects.select_for_update().get(pk=instance.pk)
        if before.unit_id != instance.unit_id and not permissions.can_decide_join_requests(
            by, before.unit
        ):
            raise PermissionDenied
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def login_settings_delete(*, by, instance: SchoolLoginSettings) -> None:
    if not permissions.can_decide_join_requests(by, instance.unit):
        raise PermissionDenied
    instance.delete()
