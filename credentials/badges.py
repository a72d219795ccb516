"""Open Badges: an OB 3.0 `OpenBadgeCredential` (VC Data Model 2.0) signed as a VC-JWT
(ES256), a Bitstring status list for revocation, and an OB 2.0 hosted assertion for
backpacks that import only 2.0 (Edubadges)."""

import base64
import gzip
import hashlib

from django.conf import settings
from django.urls import reverse

from glans_learning.core.links import issuer_name

from . import signing
from .models import Certificate
from .xapi import base_url

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
STATUS_LIST_ID = 1
STATUS_LIST_BITS = 131072  # 16 KiB: the minimum size, so an index says little about issue order


def absolute(name: str, *args) -> str:
    return base_url().rstrip("/") + reverse(name, args=args)


def issuer_profile() -> dict:
    return {
        "id": absolute("glans_credentials:issuer"),
        "type": ["Profile"],
        "name": issuer_name(),
        "url": base_url(),
    }


def _identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _salt(certificate: Certificate) -> str:
    return hashlib.sha256(f"glans-{certificate.code}".encode()).hexdigest()[:16]


def credential(certificate: Certificate) -> dict:
    """The OB 3.0 credential (what the VC-JWT's payload holds)."""
    achievement_id = absolute("glans_credentials:badge_class", certificate.programme_key)
    subject = {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": "ext:CertificateOfParticipation",
            "name": certificate.programme_title,
            "description": f"Deelname aan {certificate.programme_title}",
            "criteria": {"narrative": "Alle verplichte onderdelen van het programma afgerond."},
        },
        "activityEndDate": f"{certificate.completed_on.isoformat()}T00:00:00Z",
    }
    email = certificate.user.email
    if email:
        salt = _salt(certificate)
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "hashed": True,
                "identityHash": _identity_hash(email, salt),
                "identityType": "emailAddress",
                "salt": salt,
            }
        ]
    issued = certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": absolute("glans_credentials:credential", certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "name": certificate.programme_title,
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB3_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": {
            "id": absolute("glans_credentials:status_list", STATUS_LIST_ID)
            + f"#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": absolute("glans_credentials:status_list", STATUS_LIST_ID),
        },
    }


def _kid_url(kid: str) -> str:
    return absolute("glans_credentials:jwks") + f"#{kid}"


def credential_jwt(certificate: Certificate) -> str:
    body = credential(certificate)
    claims = {
        "iss": body["issuer"]["id"],
        "jti": body["id"],
        "nbf": int(certificate.issued_at.timestamp()),
    }
    return signing.sign(body | claims, kid_url=_kid_url)


def encoded_status_list() -> str:
    bits = bytearray(STATUS_LIST_BITS // 8)
    revoked = Certificate.objects.filter(revoked_at__isnull=False).values_list(
        "status_index", flat=True
    )
    for index in revoked:
        if index < STATUS_LIST_BITS:
            bits[index // 8] |= 0x80 >> (index % 8)  # left-most bit is index 0
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).decode().rstrip("=")


def is_revoked_in(encoded: str, index: int) -> bool:
    raw = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential() -> dict:
    url = absolute("glans_credentials:status_list", STATUS_LIST_ID)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile()["id"],
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(),
        },
    }


def status_list_jwt() -> str:
    body = status_list_credential()
    return signing.sign(body | {"iss": body["issuer"], "jti": body["id"]}, kid_url=_kid_url)


# --- Open Badges 2.0 (hosted) --------------------------------------------------------------

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def ob2_issuer() -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": absolute("glans_credentials:issuer"),
        "name": issuer_name(),
        "url": base_url(),
        "email": settings.DEFAULT_FROM_EMAIL,
    }


def ob2_badge_class(*, programme_key: int, title: str) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": absolute("glans_credentials:badge_class", programme_key),
        "name": title,
        "description": f"Deelname aan {title}",
        "image": absolute("glans_credentials:badge_image"),
        "criteria": {"narrative": "Alle verplichte onderdelen van het programma afgerond."},
        "issuer": absolute("glans_credentials:issuer"),
    }


def ob2_assertion(certificate: Certificate) -> dict:
    url = absolute("glans_credentials:assertion", certificate.code)
    if certificate.is_revoked:
        return {"@context": OB2_CONTEXT, "id": url, "type": "Assertion", "revoked": True}
    salt = _salt(certificate)
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": url,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": _identity_hash(certificate.user.email or "", salt),
        },
        "badge": absolute("glans_credentials:badge_class", certificate.programme_key),
        "issuedOn": certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verification": {"type": "hosted"},
    }
