"""A SAML 2.0 identity provider on loopback: pysaml2's IdP in its own Python process
(saml_idp/server.py), its signing key and certificate made at start. See README.md.

    with start_saml_idp(sp_entity_id=..., sp_acs_url=..., sp_sls_url=..., accounts=[...]) as idp:
        idp.metadata_url, idp.sso_url, idp.slo_url, idp.entity_id, idp.certificate_pem
"""

import datetime
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.sso._process import IdpProcess

SERVER = Path(__file__).with_name("saml_idp") / "server.py"
ACCOUNT_KEYS = {"uid", "email", "name", "password", "authn_context"}
PASSWORD_PROTECTED_TRANSPORT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
REFEDS_MFA = "https://refeds.org/profile/mfa"


def make_key_and_certificate(common_name: str) -> tuple[bytes, bytes]:
    """A fresh RSA key and a self-signed certificate (SHA-256), both PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def sp_metadata(entity_id: str, acs_url: str, sls_url: str | None) -> str:
    """Minimal metadata of the service provider: who it is, where the response goes (HTTP-POST),
    where logout goes (HTTP-Redirect and HTTP-POST); its AuthnRequests are not signed."""
    slo = ""
    if sls_url:
        slo = "".join(
            f'<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{b}" '
            f"Location={quoteattr(sls_url)}/>"
            for b in ("HTTP-Redirect", "HTTP-POST")
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f"entityID={quoteattr(entity_id)}>"
        '<md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"{slo}"
        "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>"
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        f'Location={quoteattr(acs_url)} index="1" isDefault="true"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>"
    )


@dataclass
class RunningSamlIdp:
    base_url: str
    certificate_pem: str
    accounts: list[dict]
    _process: IdpProcess = field(repr=False)

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/saml/metadata"

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/saml/metadata"

    @property
    def sso_url(self) -> str:
        """Single sign-on, HTTP-Redirect binding (HTTP-POST: /saml/sso/post)."""
        return f"{self.base_url}/saml/sso/redirect"

    @property
    def slo_url(self) -> str:
        """Single logout, HTTP-Redirect binding (HTTP-POST: /saml/slo/post)."""
        return f"{self.base_url}/saml/slo/redirect"

    @property
    def certificate_der_b64(self) -> str:
        """The certificate as in metadata (base64 of DER, no PEM armour)."""
        lines = self.certificate_pem.strip().splitlines()
        return "".join(line for line in lines if not line.startswith("-----"))

    def log(self) -> str:
        return self._process.log()

    def stop(self) -> None:
        self._process.stop()

    def __enter__(self) -> "RunningSamlIdp":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _account(account: dict) -> dict:
    unknown = set(account) - ACCOUNT_KEYS
    missing = {"uid", "email", "password"} - set(account)
    if unknown or missing:
        raise ValueError(f"SAML test account: unknown keys {unknown}, missing {missing}")
    return {
        "uid": str(account["uid"]),
        "email": account["email"],
        "name": account.get("name", ""),
        "password": account["password"],
        "authn_context": account.get("authn_context") or PASSWORD_PROTECTED_TRANSPORT,
    }


def start_saml_idp(
    *,
    sp_entity_id: str,
    sp_acs_url: str,
    sp_sls_url: str | None = None,
    accounts: list[dict],
    host: str = "127.0.0.1",
    port: int = 0,
    keypair: tuple[bytes, bytes] | None = None,
) -> RunningSamlIdp:
    """Start pysaml2's IdP trusting one service provider, with these accounts; returns once it
    answers. port=0 takes a free port. A fresh signing key and certificate each start, unless
    `keypair` (key PEM, certificate PEM) is given (the demo keeps one across restarts)."""
    accounts = [_account(a) for a in accounts]
    key_pem, cert_pem = keypair or make_key_and_certificate("GLANS test-IdP (SAML)")

    def argv(workdir: Path) -> list[str]:
        key_file = workdir / "idp-key.pem"
        key_file.write_bytes(key_pem)
        key_file.chmod(0o600)
        (workdir / "idp-cert.pem").write_bytes(cert_pem)
        (workdir / "sp-metadata.xml").write_text(sp_metadata(sp_entity_id, sp_acs_url, sp_sls_url))
        config = {
            "host": host,
            "port": port,
            "key_file": str(key_file),
            "cert_file": str(workdir / "idp-cert.pem"),
            "sp_metadata_file": str(workdir / "sp-metadata.xml"),
            "accounts": accounts,
        }
        (workdir / "config.json").write_text(json.dumps(config))
        return [sys.executable, str(SERVER), str(workdir / "config.json")]

    process = IdpProcess(argv, name="saml-idp", cwd=SERVER.parent)
    return RunningSamlIdp(
        base_url=process.url,
        certificate_pem=cert_pem.decode(),
        accounts=accounts,
        _process=process,
    )
