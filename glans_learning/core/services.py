"""Writes of the plugin shell (services): personal API tokens."""

from django.utils import timezone

from .models import ApiToken


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; returns the token and the key (shown only once)."""
    key = ApiToken.generate_key()
    token = ApiToken(user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key))
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, user, token_id: int) -> bool:
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
