"""An OpenID Connect identity provider on loopback: panva's OpenID-certified `oidc-provider`
(npm) in its own Node process (oidc_idp/server.mjs). See README.md.

    with start_oidc_idp(redirect_uris=[...], accounts=[...]) as idp:
        idp.issuer  # http://127.0.0.1:PORT, discovery at /.well-known/openid-configuration
"""

import fcntl
import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.sso._process import IdpProcess, IdpStartError

OIDC_IDP_DIR = Path(__file__).with_name("oidc_idp")
_INSTALLED_MARK = OIDC_IDP_DIR / "node_modules" / ".glans-lock-sha256"

DEFAULT_CLIENT_ID = "glans-sso"
DEFAULT_CLIENT_SECRET = "glans-sso-test-secret-0123456789abcdef"  # noqa: S105 (test IdP only)
ACCOUNT_KEYS = {"sub", "email", "email_verified", "name", "password", "amr", "acr"}


def ensure_installed() -> None:
    """`npm ci` in oidc_idp/ when node_modules is missing or older than package-lock.json
    (`make sso-idps` does the same ahead of time). Safe with parallel test workers."""
    lock_hash = hashlib.sha256((OIDC_IDP_DIR / "package-lock.json").read_bytes()).hexdigest()
    if _INSTALLED_MARK.is_file() and _INSTALLED_MARK.read_text() == lock_hash:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise IdpStartError("npm not found: run scripts/ensure-system-packages.sh")
    with (OIDC_IDP_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _INSTALLED_MARK.is_file() and _INSTALLED_MARK.read_text() == lock_hash:
            return
        result = subprocess.run(  # noqa: S603
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=OIDC_IDP_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise IdpStartError(f"npm ci in {OIDC_IDP_DIR} failed:\n{result.stderr}")
        _INSTALLED_MARK.write_text(lock_hash)


@dataclass
class RunningOidcIdp:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    accounts: list[dict]
    _process: IdpProcess = field(repr=False)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def log(self) -> str:
        """What the IdP printed (oidc-provider's warnings and errors)."""
        return self._process.log()

    def stop(self) -> None:
        self._process.stop()

    def __enter__(self) -> "RunningOidcIdp":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _account(account: dict) -> dict:
    unknown = set(account) - ACCOUNT_KEYS
    missing = {"sub", "email", "password"} - set(account)
    if unknown or missing:
        raise ValueError(f"OIDC test account: unknown keys {unknown}, missing {missing}")
    return {
        "sub": str(account["sub"]),
        "email": account["email"],
        "email_verified": bool(account.get("email_verified", False)),
        "name": account.get("name", ""),
        "password": account["password"],
        "amr": list(account.get("amr") or ["pwd"]),
        "acr": account.get("acr"),
    }


def start_oidc_idp(
    *,
    redirect_uris: list[str],
    accounts: list[dict],
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    post_logout_redirect_uris=(),
    token_endpoint_auth_method: str = "client_secret_basic",  # noqa: S107 (a method name)
    require_pkce: bool = True,
    host: str = "127.0.0.1",
    port: int = 0,
) -> RunningOidcIdp:
    """Start oidc-provider with one confidential client and these accounts; returns once it
    answers. port=0 takes a free port (the issuer says which). PKCE (S256) is required
    unless require_pkce=False."""
    ensure_installed()
    config = {
        "host": host,
        "port": port,
        "require_pkce": require_pkce,
        "client": {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uris": list(redirect_uris),
            "post_logout_redirect_uris": list(post_logout_redirect_uris),
            "token_endpoint_auth_method": token_endpoint_auth_method,
        },
        "accounts": [_account(a) for a in accounts],
    }

    def argv(workdir: Path) -> list[str]:
        path = workdir / "config.json"
        path.write_text(json.dumps(config))
        return [shutil.which("node") or "node", str(OIDC_IDP_DIR / "server.mjs"), str(path)]

    process = IdpProcess(argv, name="oidc-idp", cwd=OIDC_IDP_DIR)
    return RunningOidcIdp(
        issuer=process.url,
        client_id=client_id,
        client_secret=client_secret,
        redirect_uris=list(redirect_uris),
        post_logout_redirect_uris=list(post_logout_redirect_uris),
        accounts=config["accounts"],
        _process=process,
    )
