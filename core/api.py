"""API endpoints of the shell: the caller's personal API keys."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

try:  # django-ninja ≥ 1.6 wants Status(code, body) instead of a tuple
    from ninja import Status
except ImportError:  # pragma: no cover - older django-ninja in the supported range

    def Status(status_code, value):  # noqa: N802
        return status_code, value


from . import services
from .api_auth import SESSION_ONLY_AUTH
from .api_errors import ErrorOut
from .models import ApiToken

router = Router(tags=["account"])


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    scope: str | None = Field(
        None,
        description="read or write. Keys of platform admins and auditors are read-only unless "
        "write is asked for, expire, and are made only from a session with a verified second "
        "factor.",
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    scope: str
    expires_at: datetime | None


class TokenCreatedOut(TokenOut):
    key: str = Field(..., description="De sleutel zelf; alleen in dit antwoord te zien.")


def _token_out(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "scope": token.scope,
        "expires_at": token.expires_at,
    }


@router.get(
    "/me/tokens",
    response={200: list[TokenOut], 401: ErrorOut},
    summary=_("Mijn API-sleutels"),
)
def list_tokens(request):
    return [
        _token_out(t)
        for t in ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by(
            "-created_at", "-pk"
        )
    ]


@router.post(
    "/me/tokens",
    auth=SESSION_ONLY_AUTH,
    response={201: TokenCreatedOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary=_("Een API-sleutel maken (alleen met de sessie; de sleutel is één keer te zien)"),
)
def create_token(request, payload: TokenIn):
    name = payload.name.strip()
    if not name:
        raise ValidationError({"name": [_("Geef de sleutel een naam.")]})
    verified = bool(getattr(request.user, "is_verified", lambda: False)())
    token, key = services.api_token_create(
        user=request.user, name=name, scope=payload.scope, verified=verified
    )
    return Status(201, {**_token_out(token), "key": key})


@router.delete(
    "/me/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    summary=_("Een API-sleutel intrekken"),
)
def revoke_token(request, token_id: int):
    if not 0 < token_id < 2**63 or not services.api_token_revoke(
        user=request.user, token_id=token_id
    ):
        raise Http404
    return Status(204, None)
