"""This app's part of the AVG rights (see organisations/privacy.py): a person's links to
their school's identity provider (with what the provider sent), their requests to join a
school through it, and the marker of a provider-asserted second factor."""

from allauth.socialaccount.models import SocialAccount
from wagtail import hooks

from glans_learning.organisations.privacy import (
    ERASE_HOOK,
    EXPORT_HOOK,
    REGISTER_HOOK,
    Entry,
    not_personal,
    rows,
)

from .models import ProviderMfaDevice, SsoJoinRequest


@hooks.register(EXPORT_HOOK)
def export(user):
    return {
        "glans_sso.SsoJoinRequest": rows(
            SsoJoinRequest.objects.filter(user=user),
            "unit__name",
            "provider__name",
            "status",
            "created_at",
            "decided_at",
        ),
        "socialaccount.SocialAccount": rows(
            SocialAccount.objects.filter(user=user), "provider", "uid", "date_joined", "last_login"
        ),
        "glans_sso.ProviderMfaDevice": rows(ProviderMfaDevice.objects.filter(user=user), "name"),
    }


@hooks.register(REGISTER_HOOK)
def register():
    return {
        "glans_sso.SsoJoinRequest": Entry(
            "a request to join a school made by logging in through its identity provider: the "
            "school, the provider, the status and who decided when",
            "the school's director confirming who belongs to the team (single sign-on)",
            "agreement with the school board (art. 6(1)(b)/(e))",
            "as long as the account",
            "the person; the school's director and platform admins",
            "kept (no name or free text of its own)",
        ),
        "glans_sso.ProviderMfaDevice": Entry(
            "the marker that a login's second factor was asserted by the school's provider",
            "two-factor authentication of roles that need it (single sign-on)",
            "legitimate interest in securing the platform (art. 6(1)(f))",
            "as long as the account",
            "the person; platform admins",
            "deleted",
        ),
        "glans_sso.IdentityProvider": not_personal(
            "a school's or board's identity provider; its name is the provider's"
        ),
    }


@hooks.register(ERASE_HOOK)
def erase(user):
    """The links to providers hold what the provider sent (name, address): deleted, and with
    them the way in through the provider; the second-factor marker too."""
    SocialAccount.objects.filter(user=user).delete()
    ProviderMfaDevice.objects.filter(user=user).delete()
