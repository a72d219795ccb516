"""Client secrets of identity providers: read from the environment variable the admin named,
or stored encrypted with a key derived from the site's SECRET_KEY (Fernet). The admin never
shows a stored secret again; it only says whether there is one."""

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = hashlib.sha256(("glans.sso.secret:" + settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # SECRET_KEY changed: the stored secret is lost; the admin must enter it again.
        return ""


def client_secret(provider) -> str:
    """The secret to send to the provider: the environment variable first, then the stored one."""
    if provider.secret_env:
        value = os.environ.get(provider.secret_env, "")
        if value:
            return value
    return decrypt(provider.secret_encrypted)
