"""allauth's SocialApp for each IdentityProvider row, built at request time (never stored in
allauth's own table), and the SAML provider that also keeps what the response said about
the authentication (AuthnContextClassRef) and the session (for single logout)."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from . import secret_store
from .models import LOGIN_KEY, GlansSocialApp, IdentityProvider, Protocol

__all__ = ["LOGIN_KEY", "login_url", "saml_settings", "social_app"]

# SAML attributes: the common names (Entree Federatie sends the eduPerson/inetOrgPerson OIDs).
SAML_ATTRIBUTES = {
    "uid": [
        "urn:oasis:names:tc:SAML:attribute:subject-id",
        "urn:mace:dir:attribute-def:uid",
        "urn:oid:0.9.2342.19200300.100.1.1",
        "uid",
    ],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "urn:mace:dir:attribute-def:mail",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "mail",
        "email",
    ],
    "email_verified": ["email_verified"],
    "first_name": [
        "urn:oid:2.5.4.42",
        "urn:mace:dir:attribute-def:givenName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
    ],
    "last_name": ["urn:oid:2.5.4.4", "urn:mace:dir:attribute-def:sn", "sn"],
    "name": ["urn:oid:2.16.840.1.113730.3.1.241", "urn:mace:dir:attribute-def:displayName"],
}


def _sp_keypair() -> tuple[str, str]:
    """The service provider's own signing key and certificate (PEM files named by
    GLANS_SSO_SAML_SP_KEY_FILE and GLANS_SSO_SAML_SP_CERT_FILE), e.g. the self-signed
    SHA-256 certificate Entree Federatie asks for; ("", "") when not configured."""
    key_file = getattr(settings, "GLANS_SSO_SAML_SP_KEY_FILE", "")
    cert_file = getattr(settings, "GLANS_SSO_SAML_SP_CERT_FILE", "")
    if not (key_file and cert_file):
        return "", ""
    return Path(key_file).read_text(), Path(cert_file).read_text()


def saml_settings(provider: IdentityProvider) -> dict:
    if provider.metadata_url:
        idp = {"entity_id": provider.entity_id, "metadata_url": provider.metadata_url}
    else:
        idp = {
            "entity_id": provider.entity_id,
            "sso_url": provider.sso_url,
            "x509cert": provider.certificate,
        }
        if provider.slo_url:
            idp["slo_url"] = provider.slo_url
    advanced = {
        # Entree Federatie and every IdP we support sign the assertion (SHA-256).
        "want_assertion_signed": True,
        "want_message_signed": False,
        "want_attribute_statement": True,
        "reject_idp_initiated_sso": True,
        "strict": True,
        "reject_deprecated_algorithm": True,
        "allow_single_label_domains": False,
    }
    key, certificate = _sp_keypair()
    if key and certificate:
        # Signed AuthnRequests and logout messages, and the certificate in our metadata.
        advanced.update(
            private_key=key,
            x509cert=certificate,
            authn_request_signed=True,
            logout_request_signed=True,
            logout_response_signed=True,
        )
    return {"idp": idp, "attribute_mapping": SAML_ATTRIBUTES, "advanced": advanced}


def social_app(provider: IdentityProvider) -> GlansSocialApp:
    options = {"glans_provider": provider.pk, "hidden": False}
    if provider.protocol == Protocol.OIDC:
        app = GlansSocialApp(
            provider="openid_connect",
            provider_id=provider.slug,
            name=provider.name,
            client_id=provider.client_id,
            secret=secret_store.client_secret(provider),
        )
        options.update(server_url=provider.server_url, fetch_userinfo=True)
    else:
        app = GlansSocialApp(
            provider="saml",
            provider_id=provider.slug,
            name=provider.name,
            client_id=provider.slug,
        )
        options.update(saml_settings(provider))
    app.settings = options
    return app


def login_url(provider: IdentityProvider) -> str:
    if provider.protocol == Protocol.OIDC:
        return reverse("openid_connect_login", kwargs={"provider_id": provider.slug})
    return reverse("saml_login", kwargs={"organization_slug": provider.slug})
