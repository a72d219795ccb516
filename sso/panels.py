"""What single sign-on adds to pages of other apps (answers to their hooks): the login
page's buttons, the logged-out page's single-logout link, and the pending memberships on the
team page "Wie mist er nog?"."""

import logging
from urllib.parse import urlencode

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.saml.utils import build_auth
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from onelogin.saml2.errors import OneLogin_Saml2_Error

from glans_learning.core.login_options import LoginButton, LoginOptions

from . import permissions, selectors
from .adapter import SCHOOL_SESSION_KEY
from .models import IdentityProvider, Protocol
from .providers import login_url, social_app
from .receivers import LOGOUT_ATTR

logger = logging.getLogger("glans_learning.sso")


def _safe_next(next_url: str) -> str:
    if next_url and next_url.startswith("/") and not next_url.startswith(("//", "/\\")):
        return next_url
    return ""


def login_options(request, *, user=None, next_url: str = ""):
    school_ids = selectors.login_school_ids(request, user=user, next_url=next_url)
    providers = list(selectors.providers_for(school_ids))
    if school_ids and not providers:
        return None
    if len(school_ids) == 1 and hasattr(request, "session"):
        # The school a new account asks to join when its provider serves several schools.
        request.session[SCHOOL_SESSION_KEY] = next(iter(school_ids))
    query = urlencode({"next": n}) if (n := _safe_next(next_url)) else ""
    buttons = tuple(
        LoginButton(
            label=_("Inloggen met %(name)s") % {"name": p.name},
            url=login_url(p) + (f"?{query}" if query else ""),
        )
        for p in providers
    )
    password = selectors.password_login_on(school_ids) if school_ids else True
    return LoginOptions(
        buttons=buttons,
        school_known=bool(school_ids),
        password_login=password,
        note=""
        if password
        else _("Je school laat alleen inloggen via de school toe, niet met een wachtwoord."),
    )


def logout_options(request):
    info = getattr(request, LOGOUT_ATTR, None)
    if not info:
        return []
    row = IdentityProvider.objects.filter(pk=info.get("provider"), is_active=True).first()
    if row is None:
        return []
    label = _("Ook uitloggen bij %(name)s") % {"name": row.name}
    back = request.build_absolute_uri(reverse("glans_accounts:login"))
    try:
        if row.protocol == Protocol.OIDC:
            url = _oidc_end_session(row, back)
        else:
            url = _saml_logout(request, row, info.get("saml"), back)
    except (requests.RequestException, OneLogin_Saml2_Error, ValueError, KeyError) as exc:
        logger.warning(
            "sso single logout unavailable provider=%s: %s", row.slug, type(exc).__name__
        )
        return []
    return [(label, url)] if url else []


def _oidc_end_session(row, back: str) -> str:
    app = social_app(row)
    server = app.get_provider(None).server_url
    with get_adapter().get_requests_session() as session:
        response = session.get(server)
        response.raise_for_status()
        endpoint = response.json().get("end_session_endpoint")
    if not endpoint:
        return ""
    params = urlencode({"client_id": row.client_id, "post_logout_redirect_uri": back})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{params}"


def _saml_logout(request, row, saml, back: str) -> str:
    if not saml or not (row.slo_url or row.metadata_url):
        return ""
    provider = social_app(row).get_provider(request)
    auth = build_auth(request, provider)
    return auth.logout(
        return_to=back,
        name_id=saml.get("name_id"),
        session_index=saml.get("session_index"),
        name_id_format=saml.get("name_id_format"),
    )


def join_requests_panel(request, unit):
    if not permissions.can_decide_join_requests(request.user, unit):
        return ""
    pending = list(selectors.pending_join_requests(unit))
    if not pending:
        return ""
    return render_to_string(
        "glans_sso/join_requests_panel.html",
        {"unit": unit, "pending": pending, "next": request.get_full_path()},
        request=request,
    )


def profile_section(request):
    """The profile page: the providers this account is linked to, and linking it to a
    provider of one of its schools (or, for academy staff, any provider) themselves."""
    user = request.user
    links = selectors.linked_providers(user)
    linked_slugs = {row.slug for row in links}
    offers = [
        (_("Koppelen met %(name)s") % {"name": row.name}, login_url(row) + "?process=connect")
        for row in selectors.connectable_providers(user)
        if row.slug not in linked_slugs
    ]
    if not links and not offers:
        return ""
    return render_to_string(
        "glans_sso/profile_section.html", {"links": links, "offers": offers}, request=request
    )
