"""`make demo-sso`: the demo's identity providers for De Zonnebloem on loopback, next to
`make demo`, so "Inloggen met De Zonnebloem" can be tried: an OpenID Connect provider
(oidc-provider) on SSO_PORT (default 8010) and a SAML 2.0 provider (pysaml2) on SSO_PORT + 1 (--port 0: any free ports).
Both know one demo account, the demo teacher of De Zonnebloem. Prints their addresses and
runs until stopped (Ctrl-C or SIGTERM); see tests/sso/README.md.

    .venv/bin/python scripts/demo_idp.py [--port 8010] [--site http://127.0.0.1:8000]
"""

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# What the demo's provider configuration (seed_demo) uses; published demo values, demo only.
DEMO_SLUG = "zonnebloem"
DEMO_CLIENT_ID = "glans-demo-zonnebloem"
DEMO_CLIENT_SECRET = "glans-demo-zonnebloem-oidc-secret"  # noqa: S105 (published demo value)
DEMO_ACCOUNT = {
    "login": "leraar.zonnebloem",
    "email": "leraar.zonnebloem@demo.glans.invalid",
    "name": "Lotte Jansen",
    "password": "glans-demo",
}


def site_urls(site: str, prefix: str, slug: str) -> dict:
    """django-allauth's addresses for provider `slug` (OpenID Connect app id / SAML
    organisation slug) under `prefix` (where allauth's URLs are included)."""
    base = site.rstrip("/") + "/" + prefix.strip("/")
    return {
        "oidc_callback": f"{base}/oidc/{slug}/login/callback/",
        "after_logout": site.rstrip("/") + "/",
        "saml_entity_id": f"{base}/saml/{slug}/metadata/",
        "saml_acs": f"{base}/saml/{slug}/acs/",
        "saml_sls": f"{base}/saml/{slug}/sls/",
    }


def main() -> None:
    from tests.sso.idp_oidc import start_oidc_idp
    from tests.sso.idp_saml import (
        PASSWORD_PROTECTED_TRANSPORT,
        make_key_and_certificate,
        start_saml_idp,
    )

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("SSO_PORT", "8010")))
    parser.add_argument(
        "--site", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}", help="the demo"
    )
    parser.add_argument("--prefix", default="/accounts/", help="where allauth's URLs are")
    parser.add_argument("--slug", default=DEMO_SLUG)
    parser.add_argument("--email", default=DEMO_ACCOUNT["email"])
    parser.add_argument(
        "--key-dir", type=Path, default=ROOT / "var" / "demo-sso", help="SAML key, kept"
    )
    args = parser.parse_args()

    # The demo is reachable as 127.0.0.1 and as localhost: both may come back.
    sites = [args.site]
    for a, b in (("127.0.0.1", "localhost"), ("localhost", "127.0.0.1")):
        if a in args.site:
            sites.append(args.site.replace(a, b))
    urls = [site_urls(site, args.prefix, args.slug) for site in sites]

    oidc = start_oidc_idp(
        redirect_uris=[u["oidc_callback"] for u in urls],
        post_logout_redirect_uris=[u["after_logout"] for u in urls],
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        accounts=[
            {
                "sub": DEMO_ACCOUNT["login"],
                "email": args.email,
                "email_verified": True,
                "name": DEMO_ACCOUNT["name"],
                "password": DEMO_ACCOUNT["password"],
                "amr": ["pwd"],
            }
        ],
        port=args.port,
    )
    # The SAML signing certificate stays the same across restarts (var/ is not in git), so a
    # service provider that cached the metadata keeps trusting it.
    key_dir = args.key_dir
    key_file, cert_file = key_dir / "saml-idp-key.pem", key_dir / "saml-idp-cert.pem"
    if not (key_file.is_file() and cert_file.is_file()):
        key_dir.mkdir(parents=True, exist_ok=True)
        key_pem, cert_pem = make_key_and_certificate("GLANS demo-IdP De Zonnebloem (SAML)")
        key_file.write_bytes(key_pem)
        key_file.chmod(0o600)
        cert_file.write_bytes(cert_pem)
    saml = start_saml_idp(
        keypair=(key_file.read_bytes(), cert_file.read_bytes()),
        sp_entity_id=urls[0]["saml_entity_id"],
        sp_acs_url=urls[0]["saml_acs"],
        sp_sls_url=urls[0]["saml_sls"],
        accounts=[
            {
                "uid": DEMO_ACCOUNT["login"],
                "email": args.email,
                "name": DEMO_ACCOUNT["name"],
                "password": DEMO_ACCOUNT["password"],
                "authn_context": PASSWORD_PROTECTED_TRANSPORT,
            }
        ],
        port=args.port + 1 if args.port else 0,
    )
    print(
        f"Demo identity providers for De Zonnebloem (sign in as {DEMO_ACCOUNT['login']} or "
        f"{args.email}, password {DEMO_ACCOUNT['password']}):\n"
        f"  OpenID Connect: issuer {oidc.issuer}  client id {oidc.client_id}\n"
        f"                  discovery {oidc.discovery_url}\n"
        f"  SAML 2.0:       metadata {saml.metadata_url}\n"
        f"                  single sign-on {saml.sso_url}\n"
        f"                  for service provider {urls[0]['saml_entity_id']}",
        flush=True,
    )

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1):
        for idp in (oidc, saml):
            if idp._process.process.poll() is not None:
                print(f"an identity provider stopped:\n{idp.log()}", file=sys.stderr)
                stop.set()
    oidc.stop()
    saml.stop()


if __name__ == "__main__":
    main()
