"""The GLANS adapter for django-allauth's social accounts: providers come from the admin's
IdentityProvider rows, and every login through one goes through the linking rules
(decisions.py) before allauth logs anybody in. allauth's own signup form, e-mail
verification and "connect by e-mail" are never used."""

import logging
from urllib.parse import urlencode

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import render
from django.urls import reverse

from glans_learning.core.middleware import requires_two_factor

from . import services
from .decisions import Outcome, mfa_asserted
from .messages import refusal_message, trouble_message
from .models import IdentityProvider, Protocol
from .providers import LOGIN_KEY, social_app

logger = logging.getLogger("glans_learning.sso")

SCHOOL_SESSION_KEY = "glans_sso_school"
#: Set on the request by pre_social_login, read by the user_logged_in receiver.
REQUEST_ATTR = "_glans_sso_login"


def _claims(extra_data: dict) -> dict:
    """The OpenID Connect claims allauth kept: the ID token's, then userinfo's on top."""
    claims = dict(extra_data.get("id_token") or {})
    claims.update(extra_data.get("userinfo") or {})
    return claims


def _email_verified(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


class GlansSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = []
        for row in IdentityProvider.objects.filter(is_active=True).order_by("pk"):
            app = social_app(row)
            if provider and provider not in (app.provider, app.provider_id):
                continue
            if client_id and app.client_id != client_id:
                continue
            apps.append(app)
        return apps

    def is_open_for_signup(self, request, sociallogin):
        return True  # who may get an account is decided in pre_social_login

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("glans_accounts:profile")

    def pre_social_login(self, request, sociallogin):
        app = sociallogin.provider.app
        row = IdentityProvider.objects.filter(
            pk=app.settings.get("glans_provider"), is_active=True
        ).first()
        if row is None:
            raise ImmediateHttpResponse(_refusal(request, None, "no_access"))
        extra = sociallogin.account.extra_data or {}
        login_info = extra.pop(LOGIN_KEY, None) or {}
        if sociallogin.is_existing:
            sociallogin.account.save(update_fields=["extra_data"])
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            self._check_connect(request, row)
            return  # the owner links their own account (allauth's connect flow)
        if row.protocol == Protocol.OIDC:
            claims = _claims(extra)
            email = claims.get("email") or ""
            verified = _email_verified(claims.get("email_verified"))
            asserted = mfa_asserted(amr=claims.get("amr"), acr=claims.get("acr"))
        else:
            email = sociallogin.user.email if sociallogin.user else ""
            if not email and sociallogin.email_addresses:
                email = sociallogin.email_addresses[0].email
            verified = None
            asserted = mfa_asserted(authn_contexts=login_info.get("authn_contexts"))
        linked = sociallogin.user if sociallogin.is_existing else None
        decision = services.decide(
            provider=row,
            email=email,
            email_verified=verified,
            linked_user=linked,
            school_hint=request.session.get(SCHOOL_SESSION_KEY),
        )
        # No names or addresses in the log: the provider, the outcome and an account number.
        logger.info(
            "sso login provider=%s outcome=%s reason=%s user=%s",
            row.slug,
            decision.outcome.value,
            decision.reason.value if decision.reason else "-",
            decision.user_id or "-",
        )
        if decision.outcome == Outcome.REFUSE:
            raise ImmediateHttpResponse(_refusal(request, row, decision.reason.value))
        if decision.outcome == Outcome.LINK:
            user = type(sociallogin.user)._default_manager.get(pk=decision.user_id)
            sociallogin.connect(request, user)
        elif decision.outcome == Outcome.NEW:
            user = services.account_create_pending(
                provider=row,
                unit_id=decision.unit_id,
                email=email,
                first_name=sociallogin.user.first_name or "",
                last_name=sociallogin.user.last_name or "",
            )
            sociallogin.connect(request, user)
        user = sociallogin.user
        accepted = services.mfa_counts(provider=row, asserted=asserted)
        setattr(
            request,
            REQUEST_ATTR,
            {"provider": row.pk, "mfa": accepted, "saml": _saml_logout(login_info)},
        )
        # Like the password login: on to the person's own start page unless a page was asked.
        after = sociallogin.state.get("next") or reverse("glans_accounts:landing")
        sociallogin.state["next"] = after
        if requires_two_factor(user) and not accepted:
            # The provider's answer does not count as the second factor here: verify one.
            sociallogin.state["next"] = (
                reverse("glans_accounts:two_factor") + "?" + urlencode({"next": after})
            )

    def _check_connect(self, request, row):
        """Linking one's own account to a provider needs that account's login, and for a
        role with two factors its verified second factor: the owner's consent."""
        user = request.user
        if not user.is_authenticated or (requires_two_factor(user) and not user.is_verified()):
            logger.info("sso connect refused provider=%s", row.slug)
            raise ImmediateHttpResponse(_refusal(request, row, "connect_needs_login"))
        logger.info("sso connect provider=%s user=%s", row.slug, user.pk)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        slug = getattr(getattr(provider, "app", None), "provider_id", "") or "-"
        logger.warning(
            "sso error provider=%s error=%s exception=%s",
            slug,
            error,
            type(exception).__name__ if exception else "-",
        )
        raise ImmediateHttpResponse(
            render(
                request,
                "glans_sso/login_problem.html",
                {
                    "provider_name": getattr(provider, "name", ""),
                    "message": trouble_message(error=error, exception=exception),
                },
                status=400 if error != "cancelled" else 200,
            )
        )


def _saml_logout(info: dict) -> dict | None:
    if not info.get("name_id"):
        return None
    return {
        "name_id": info.get("name_id"),
        "name_id_format": info.get("name_id_format"),
        "session_index": info.get("session_index"),
    }


def _refusal(request, row, reason: str):
    return render(
        request,
        "glans_sso/login_refused.html",
        {"provider": row, "message": refusal_message(reason, row)},
        status=403,
    )
