"""The site's signing keys (ES256, P-256) and compact JWS, through jwcrypto.

Keys live in the database (`SigningKey`). The newest key that is not retired signs; every
key, retired or not, is published in the JWKS so credentials signed before a rotation keep
verifying. Rotate with ``manage.py glans_rotate_signing_key`` (docs/credentials.md)."""

import json

from django.db import transaction
from django.utils import timezone
from jwcrypto import jwk, jws
from jwcrypto.common import json_encode

from .models import SigningKey


def key_create() -> SigningKey:
    key = jwk.JWK.generate(kty="EC", crv="P-256")
    kid = key.thumbprint()
    return SigningKey.objects.create(kid=kid, private_jwk=key.export_private())


def key_active() -> SigningKey:
    """The key that signs now; made on first use."""
    with transaction.atomic():
        current = SigningKey.objects.filter(retired_at__isnull=True).first()
        return current or key_create()


def key_rotate() -> SigningKey:
    """A new signing key; the old ones are retired but stay published."""
    with transaction.atomic():
        SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        return key_create()


def jwks() -> dict:
    keys = []
    for row in SigningKey.objects.order_by("created_at", "pk"):
        public = json.loads(jwk.JWK.from_json(row.private_jwk).export_public())
        keys.append(public | {"kid": row.kid, "use": "sig", "alg": "ES256"})
    return {"keys": keys}


def sign(payload: dict, *, kid_url) -> str:
    """A compact JWS over `payload` (OB 3.0 allows only alg, kid/jwk and typ=JWT)."""
    row = key_active()
    key = jwk.JWK.from_json(row.private_jwk)
    token = jws.JWS(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    token.add_signature(
        key,
        alg="ES256",
        protected=json_encode({"alg": "ES256", "kid": kid_url(row.kid), "typ": "JWT"}),
    )
    return token.serialize(compact=True)


def verify(token: str, jwks_document: dict) -> dict:
    """The payload of a compact JWS signed by one of the keys in `jwks_document`; raises
    jwcrypto's `InvalidJWSSignature` otherwise."""
    keyset = jwk.JWKSet.from_json(json.dumps(jwks_document))
    parsed = jws.JWS()
    parsed.deserialize(token)
    kid = parsed.jose_header.get("kid", "").rsplit("#", 1)[-1]
    parsed.verify(keyset.get_key(kid), alg="ES256")
    return json.loads(parsed.payload)
