"""The one place that makes absolute links (PDF, verification, credential, QR, iCal,
mails): with a request whose host is allowed, the address the site was reached on; without
one (tasks, mails, stored documents), the configured public address
(GLANS_PUBLIC_BASE_URL, else WAGTAILADMIN_BASE_URL; the demo derives it from PORT)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost


def public_base_url() -> str:
    base = getattr(settings, "GLANS_PUBLIC_BASE_URL", None) or getattr(
        settings, "WAGTAILADMIN_BASE_URL", None
    )
    return (base or "http://localhost").rstrip("/")


def issuer_name() -> str:
    """Who issues certificates and credentials: the academy, named by the
    GLANS_CREDENTIAL_ISSUER_NAME setting (environment variable of the same name)."""
    return getattr(settings, "GLANS_CREDENTIAL_ISSUER_NAME", None) or "Glans Academie"


def absolute_url(path: str, request=None) -> str:
    """``path`` (starting with /) as an absolute URL."""
    if request is not None:
        try:
            request.get_host()
        except DisallowedHost:
            pass
        else:
            return request.build_absolute_uri(path)
    return public_base_url() + path
