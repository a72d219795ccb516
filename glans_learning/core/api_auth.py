"""API authentication: the site's session (with CSRF) and personal API tokens."""

from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from .models import ApiToken


def _user_for_key(key: str):
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer glans_…`"""

    def authenticate(self, request, token):
        user = _user_for_key(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    """`X-API-Key: glans_…` for clients that cannot set Authorization."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        user = _user_for_key(key)
        if user is not None:
            request.user = user
        return user


API_AUTH = [SessionAuth(csrf=True), TokenAuth(), TokenHeaderAuth()]
