"""API authentication: personal API tokens (any method, no CSRF: a key cannot be sent by
another site's form) and the site's session (always with CSRF).

Order matters. Django Ninja tries the authenticators in turn and stops at the first that
raises, so the key authenticators come first, and the session authenticator steps aside
for requests that carry a key or no logged-in session: those are answered 401 (JSON),
never a CSRF 403.

Failed keys are rate limited per client address (a small cache-based limiter).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from .models import ApiToken


def carries_key(request) -> bool:
    """Whether the request tries to authenticate with a header: any `X-API-Key` (even
    empty) or any `Authorization` header (Bearer or another scheme). Such a request is
    answered by that header alone: 401 when it is not a valid key, never the session."""
    return "X-API-Key" in request.headers or "Authorization" in request.headers


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _failure_cache_key(request) -> str:
    return f"glans:api-key-failures:{_client_address(request)}"


def _failure_limit() -> tuple[int, int]:
    return (
        getattr(settings, "GLANS_API_KEY_FAILURE_LIMIT", 20),
        getattr(settings, "GLANS_API_KEY_FAILURE_WINDOW", 300),
    )


def check_key_failures(request) -> None:
    """Refuse (429) a client that sent too many wrong keys within the window."""
    limit, _window = _failure_limit()
    if (cache.get(_failure_cache_key(request)) or 0) >= limit:
        raise HttpError(429, _("Te veel ongeldige API-sleutels. Probeer het later opnieuw."))


def record_key_failure(request) -> None:
    _limit, window = _failure_limit()
    key = _failure_cache_key(request)
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def _user_for_key(request, key: str):
    """The key's owner. A valid key always works, whatever else came from its address (a
    school's NAT must not lock out all its integrations because one was misconfigured);
    only *wrong* keys are counted per address, and once over the limit wrong keys are
    answered 429. Keys have 256 random bits: the limit is against noise, not guessing."""
    if not key:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .exclude(expires_at__lte=now)
        .first()
    )
    if token is None:
        check_key_failures(request)
        record_key_failure(request)
        return None
    if token.scope != ApiToken.Scope.WRITE and request.method not in ("GET", "HEAD", "OPTIONS"):
        raise HttpError(403, _("Deze API-sleutel mag alleen lezen."))
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    # The authorization layer asks whether the second factor was verified: for a key, it was
    # if the key was made from such a session (organisations.permissions.user_roles).
    user.is_verified = lambda: token.two_factor
    request.user = user
    request.glans_api_token = token
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer glans_…`"""

    def authenticate(self, request, token):
        return _user_for_key(request, token)


class TokenHeaderAuth(APIKeyHeader):
    """`X-API-Key: glans_…` for clients that cannot set Authorization."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return _user_for_key(request, key)


class SessionCsrfAuth(SessionAuth):
    """The site's session, always with Django's CSRF check. Steps aside (returns None, so
    the request ends as 401) when there is no logged-in session or when the request carries
    an API key: a wrong key never falls back to the session."""

    def __init__(self):
        super().__init__(csrf=True)

    def __call__(self, request):
        if carries_key(request):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)


API_AUTH = [TokenAuth(), TokenHeaderAuth(), SessionCsrfAuth()]
SESSION_ONLY_AUTH = [SessionCsrfAuth()]
