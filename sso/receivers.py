"""Signal receivers: removing someone at a school ends their SSO access to it; a login
through a provider records which provider (for single logout) and, when it counts, the
provider's second factor; a logout remembers the provider for the logged-out page."""

from allauth.account.signals import user_logged_in as allauth_user_logged_in
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django_otp import login as otp_login

from glans_learning.organisations.models import Membership

from . import services
from .adapter import REQUEST_ATTR
from .models import ProviderMfaDevice

SESSION_KEY = "glans_sso"
LOGOUT_ATTR = "_glans_sso_logout"


def on_sso_login(sender, request, user, sociallogin=None, **kwargs):
    info = getattr(request, REQUEST_ATTR, None)
    if sociallogin is None or info is None:
        return
    request.session[SESSION_KEY] = {"provider": info["provider"], "saml": info.get("saml")}
    if info.get("mfa"):
        device, _created = ProviderMfaDevice.objects.get_or_create(
            user=user, defaults={"name": "provider", "confirmed": True}
        )
        otp_login(request, device)


def on_logout(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        setattr(request, LOGOUT_ATTR, request.session.get(SESSION_KEY))


def connect() -> None:
    allauth_user_logged_in.connect(on_sso_login, dispatch_uid="glans_sso_login")
    user_logged_out.connect(on_logout, dispatch_uid="glans_sso_logout")
    post_delete.connect(
        services.on_membership_ended, sender=Membership, dispatch_uid="glans_sso_left_unit"
    )
    post_save.connect(
        services.on_membership_ended, sender=Membership, dispatch_uid="glans_sso_left_unit_save"
    )
