"""The SSO test harness on its own, without the platform: each identity provider runs as its own
process on loopback and is driven by a small independent client (requests + PyJWT for OpenID
Connect, pysaml2's service provider for SAML), so the journeys can rely on what they start."""

import base64
import hashlib
import html
import re
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import jwt
import pytest
import requests
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.sigver import SignatureError

from tests.sso.idp_oidc import start_oidc_idp
from tests.sso.idp_saml import PASSWORD_PROTECTED_TRANSPORT, REFEDS_MFA, start_saml_idp

pytestmark = [pytest.mark.integration, pytest.mark.postgres_only]

RP = "http://127.0.0.1:9"  # nothing listens: the clients read the redirects, never follow them
CALLBACK = f"{RP}/accounts/oidc/zonnebloem/login/callback/"
AFTER_LOGOUT = f"{RP}/uitgelogd/"
SP_ENTITY = f"{RP}/accounts/saml/zonnebloem/metadata/"
SP_ACS = f"{RP}/accounts/saml/zonnebloem/acs/"
SP_SLS = f"{RP}/accounts/saml/zonnebloem/sls/"

TEACHER = {
    "sub": "t-1001",
    "email": "juf.anna@zonnebloem.example",
    "email_verified": True,
    "name": "Anna de Vries",
    "password": "tulpen-in-de-klas",
    "amr": ["pwd", "mfa"],
    "acr": "urn:glans:test:mfa",
}
NEWCOMER = {
    "sub": "t-1002",
    "email": "meester.bram@zonnebloem.example",
    "email_verified": False,
    "name": "Bram Jansen",
    "password": "krijtjes-en-bord",
    "amr": ["pwd"],
}
SAML_TEACHER = {
    "uid": "anna.devries",
    "email": "juf.anna@zonnebloem.example",
    "name": "Anna de Vries",
    "password": "tulpen-in-de-klas",
    "authn_context": REFEDS_MFA,
}
SAML_NEWCOMER = {
    "uid": "bram.jansen",
    "email": "meester.bram@zonnebloem.example",
    "name": "Bram Jansen",
    "password": "krijtjes-en-bord",
    "authn_context": PASSWORD_PROTECTED_TRANSPORT,
}
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"


def _form(page: requests.Response) -> tuple[str, dict]:
    """The first form of an HTML page: its absolute action and its hidden fields."""
    action = html.unescape(re.search(r'<form[^>]*action="([^"]*)"', page.text).group(1))
    hidden = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text
        )
    }
    return urljoin(page.url, action), hidden


# --- OpenID Connect ------------------------------------------------------------------------


@pytest.fixture
def oidc_idp():
    with start_oidc_idp(
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=[AFTER_LOGOUT],
        accounts=[TEACHER, NEWCOMER],
    ) as idp:
        yield idp


def _authorize(browser: requests.Session, idp, config: dict) -> dict:
    """Start the code flow with PKCE; returns what the relying party keeps."""
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    flow = {"verifier": verifier, "state": secrets.token_urlsafe(8), "nonce": secrets.token_hex(8)}
    flow["page"] = browser.get(
        config["authorization_endpoint"],
        params={
            "client_id": idp.client_id,
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid email profile",
            "state": flow["state"],
            "nonce": flow["nonce"],
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
    )
    return flow


def _follow_to_callback(browser: requests.Session, response: requests.Response) -> dict:
    """Follow the IdP's own redirects until it sends the browser back to the relying party."""
    for _ in range(10):
        location = response.headers.get("Location")
        assert response.status_code in (302, 303), response.text[:500]
        target = urljoin(response.url, location)
        if target.startswith(CALLBACK):
            return {k: v[0] for k, v in parse_qs(urlparse(target).query).items()}
        response = browser.get(target, allow_redirects=False)
    raise AssertionError("no redirect to the callback")


def _sign_in(browser, flow, login, password) -> requests.Response:
    page = flow["page"]
    if page.status_code in (302, 303):
        page = browser.get(urljoin(page.url, page.headers["Location"]))
    assert 'name="login"' in page.text and 'name="password"' in page.text
    action, _ = _form(page)
    return browser.post(action, data={"login": login, "password": password}, allow_redirects=False)


def _token(idp, config, code, verifier) -> requests.Response:
    return requests.post(
        config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=(idp.client_id, idp.client_secret),
        timeout=10,
    )


def _verified_claims(idp, config, id_token: str) -> dict:
    key = jwt.PyJWKClient(config["jwks_uri"]).get_signing_key_from_jwt(id_token)
    return jwt.decode(
        id_token, key.key, algorithms=["RS256"], audience=idp.client_id, issuer=idp.issuer
    )


def test_oidc_discovery(oidc_idp):
    assert oidc_idp.issuer.startswith("http://127.0.0.1:")
    config = requests.get(oidc_idp.discovery_url, timeout=10).json()
    assert config["issuer"] == oidc_idp.issuer
    for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint"):
        assert config[endpoint].startswith(oidc_idp.issuer + "/")
    assert config["end_session_endpoint"] == f"{oidc_idp.issuer}/session/end"
    assert config["token_endpoint_auth_methods_supported"] == ["client_secret_basic"]
    assert "S256" in config["code_challenge_methods_supported"]
    assert {"email", "email_verified", "name", "amr", "acr"} <= set(config["claims_supported"])
    keys = requests.get(config["jwks_uri"], timeout=10).json()["keys"]
    assert [(k["kty"], k["alg"]) for k in keys] == [("RSA", "RS256")]


def test_oidc_code_flow_with_pkce_and_a_signed_id_token(oidc_idp):
    config = requests.get(oidc_idp.discovery_url, timeout=10).json()
    browser = requests.Session()
    flow = _authorize(browser, oidc_idp, config)

    refused = _sign_in(browser, flow, TEACHER["email"], "verkeerd-wachtwoord")
    assert refused.status_code == 200
    assert "Onjuiste gebruikersnaam of wachtwoord" in refused.text

    action, _ = _form(refused)
    signed_in = browser.post(
        action,
        data={"login": TEACHER["email"], "password": TEACHER["password"]},
        allow_redirects=False,
    )
    callback = _follow_to_callback(browser, signed_in)
    assert callback["state"] == flow["state"]
    assert callback["iss"] == oidc_idp.issuer

    # PKCE holds: the code does not go with another verifier (and is then spent).
    wrong = _token(oidc_idp, config, callback["code"], secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

    flow = _authorize(browser, oidc_idp, config)  # signed in at the IdP: straight back
    callback = _follow_to_callback(browser, flow["page"])
    tokens = _token(oidc_idp, config, callback["code"], flow["verifier"])
    assert tokens.status_code == 200, tokens.text
    claims = _verified_claims(oidc_idp, config, tokens.json()["id_token"])
    assert claims["sub"] == TEACHER["sub"]
    assert claims["nonce"] == flow["nonce"]
    assert claims["email"] == TEACHER["email"]
    assert claims["email_verified"] is True
    assert claims["name"] == TEACHER["name"]
    assert claims["amr"] == ["pwd", "mfa"]
    assert claims["acr"] == TEACHER["acr"]

    # Another key than the IdP's does not verify it.
    forged = jwt.encode(claims, "not-the-idp-key-not-the-idp-key!", algorithm="HS256")
    with pytest.raises(jwt.PyJWTError):
        _verified_claims(oidc_idp, config, forged)

    userinfo = requests.get(
        config["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens.json()['access_token']}"},
        timeout=10,
    ).json()
    assert userinfo["email"] == TEACHER["email"]


def test_oidc_requires_pkce(oidc_idp):
    config = requests.get(oidc_idp.discovery_url, timeout=10).json()
    answer = requests.get(
        config["authorization_endpoint"],
        params={
            "client_id": oidc_idp.client_id,
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid email profile",
            "state": "zonder-pkce",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code in (302, 303)
    query = parse_qs(urlparse(answer.headers["Location"]).query)
    assert answer.headers["Location"].startswith(CALLBACK)
    assert query["error"] == ["invalid_request"] and "PKCE" in query["error_description"][0]


def test_oidc_unverified_address_and_password_only(oidc_idp):
    config = requests.get(oidc_idp.discovery_url, timeout=10).json()
    browser = requests.Session()
    flow = _authorize(browser, oidc_idp, config)
    callback = _follow_to_callback(
        browser, _sign_in(browser, flow, NEWCOMER["sub"], NEWCOMER["password"])
    )
    tokens = _token(oidc_idp, config, callback["code"], flow["verifier"]).json()
    claims = _verified_claims(oidc_idp, config, tokens["id_token"])
    assert claims["email"] == NEWCOMER["email"]
    assert claims["email_verified"] is False
    assert claims["amr"] == ["pwd"]
    assert "acr" not in claims


def test_oidc_rp_initiated_logout_ends_the_idp_session(oidc_idp):
    config = requests.get(oidc_idp.discovery_url, timeout=10).json()
    browser = requests.Session()
    flow = _authorize(browser, oidc_idp, config)
    callback = _follow_to_callback(
        browser, _sign_in(browser, flow, TEACHER["email"], TEACHER["password"])
    )
    id_token = _token(oidc_idp, config, callback["code"], flow["verifier"]).json()["id_token"]

    page = browser.get(
        config["end_session_endpoint"],
        params={
            "id_token_hint": id_token,
            "post_logout_redirect_uri": AFTER_LOGOUT,
            "state": "tot-ziens",
        },
    )
    action, fields = _form(page)
    assert fields["logout"] == "yes"
    confirmed = browser.post(action, data=fields, allow_redirects=False)
    assert confirmed.status_code in (302, 303)
    assert confirmed.headers["Location"] == f"{AFTER_LOGOUT}?state=tot-ziens"

    again = _authorize(browser, oidc_idp, config)
    page = browser.get(urljoin(again["page"].url, again["page"].headers["Location"]))
    assert 'name="password"' in page.text  # signed out at the IdP: asked to sign in again


def test_oidc_idp_stops_with_its_process():
    idp = start_oidc_idp(redirect_uris=[CALLBACK], accounts=[TEACHER])
    requests.get(idp.discovery_url, timeout=10).raise_for_status()
    idp.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(idp.discovery_url, timeout=2)


# --- SAML 2.0 --------------------------------------------------------------------------------


@pytest.fixture
def saml_idp():
    with start_saml_idp(
        sp_entity_id=SP_ENTITY,
        sp_acs_url=SP_ACS,
        sp_sls_url=SP_SLS,
        accounts=[SAML_TEACHER, SAML_NEWCOMER],
    ) as idp:
        yield idp


def _service_provider(idp, tmp_path) -> Saml2Client:
    """pysaml2 as the service provider, trusting the IdP's published metadata."""
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text(requests.get(idp.metadata_url, timeout=10).text)
    config = SPConfig()
    config.load(
        {
            "entityid": SP_ENTITY,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "metadata": {"local": [str(metadata)]},
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [(SP_ACS, BINDING_HTTP_POST)],
                        "single_logout_service": [(SP_SLS, BINDING_HTTP_REDIRECT)],
                    },
                    "want_response_signed": True,
                    "want_assertions_signed": True,
                    "authn_requests_signed": False,
                    "allow_unsolicited": False,
                }
            },
            "allow_unknown_attributes": True,
        }
    )
    return Saml2Client(config)


def _saml_login_page(sp, idp, browser) -> tuple[str, requests.Response]:
    request_id, info = sp.prepare_for_authenticate(
        entityid=idp.entity_id, relay_state="/leren/", binding=BINDING_HTTP_REDIRECT
    )
    location = dict(info["headers"])["Location"]
    assert location.startswith(idp.sso_url + "?SAMLRequest=")
    return request_id, browser.get(location)


def _saml_response(page: requests.Response) -> tuple[str, dict]:
    action, fields = _form(page)
    assert action == SP_ACS
    return fields["SAMLResponse"], fields


def test_saml_metadata(saml_idp, tmp_path):
    xml = requests.get(saml_idp.metadata_url, timeout=10).text
    assert f'entityID="{saml_idp.entity_id}"' in xml
    assert f'Location="{saml_idp.sso_url}"' in xml
    assert f'Location="{saml_idp.slo_url}"' in xml
    assert saml_idp.certificate_der_b64 in re.sub(r"\s", "", xml)
    sp = _service_provider(saml_idp, tmp_path)
    assert sp.metadata.single_sign_on_service(saml_idp.entity_id, BINDING_HTTP_REDIRECT)


def test_saml_login_gives_a_signed_response(saml_idp, tmp_path):
    sp = _service_provider(saml_idp, tmp_path)
    browser = requests.Session()
    request_id, page = _saml_login_page(sp, saml_idp, browser)
    action, fields = _form(page)

    refused = browser.post(action, data={**fields, "login": "anna.devries", "password": "fout"})
    assert "Onjuiste gebruikersnaam of wachtwoord" in refused.text
    assert "SAMLResponse" not in refused.text

    action, fields = _form(refused)
    page = browser.post(
        action, data={**fields, "login": SAML_TEACHER["email"], "password": "tulpen-in-de-klas"}
    )
    encoded, fields = _saml_response(page)
    assert fields["RelayState"] == "/leren/"

    xml = base64.b64decode(encoded).decode()
    # The response and the assertion are each signed, with RSA-SHA256 over SHA-256 digests.
    assert xml.count(f'SignatureMethod Algorithm="{RSA_SHA256}"') == 2
    assert xml.count(f'DigestMethod Algorithm="{SHA256}"') == 2
    assert "sha1" not in xml
    for name, friendly in (
        ("urn:oid:0.9.2342.19200300.100.1.3", "mail"),
        ("urn:oid:2.16.840.1.113730.3.1.241", "displayName"),
        ("urn:oid:0.9.2342.19200300.100.1.1", "uid"),
    ):
        assert re.search(rf'Name="{re.escape(name)}"[^>]*FriendlyName="{friendly}"', xml) or (
            re.search(rf'FriendlyName="{friendly}"[^>]*Name="{re.escape(name)}"', xml)
        ), name

    response = sp.parse_authn_request_response(
        encoded, BINDING_HTTP_POST, outstanding={request_id: "/leren/"}
    )
    assert response.in_response_to == request_id
    assert response.ava == {
        "uid": ["anna.devries"],
        "mail": ["juf.anna@zonnebloem.example"],
        "displayName": ["Anna de Vries"],
    }
    assert response.name_id.text == "anna.devries"
    statement = response.assertion.authn_statement[0]
    assert statement.authn_context.authn_context_class_ref.text == REFEDS_MFA
    audience = response.assertion.conditions.audience_restriction[0].audience[0].text
    assert audience == SP_ENTITY


def test_saml_response_with_a_changed_attribute_fails_validation(saml_idp, tmp_path):
    sp = _service_provider(saml_idp, tmp_path)
    browser = requests.Session()
    request_id, page = _saml_login_page(sp, saml_idp, browser)
    action, fields = _form(page)
    page = browser.post(
        action, data={**fields, "login": "bram.jansen", "password": "krijtjes-en-bord"}
    )
    encoded, _ = _saml_response(page)
    xml = base64.b64decode(encoded).decode()
    assert PASSWORD_PROTECTED_TRANSPORT in xml
    tampered = xml.replace("meester.bram@zonnebloem.example", "directeur@zonnebloem.example")
    assert tampered != xml
    with pytest.raises(SignatureError):
        sp.parse_authn_request_response(
            base64.b64encode(tampered.encode()).decode(),
            BINDING_HTTP_POST,
            outstanding={request_id: "/leren/"},
        )
    # The untouched response still validates: the failure above is the change's doing.
    response = _service_provider(saml_idp, tmp_path).parse_authn_request_response(
        encoded, BINDING_HTTP_POST, outstanding={request_id: "/leren/"}
    )
    assert response.ava["mail"] == ["meester.bram@zonnebloem.example"]


def test_saml_single_logout(saml_idp, tmp_path):
    sp = _service_provider(saml_idp, tmp_path)
    browser = requests.Session()
    request_id, page = _saml_login_page(sp, saml_idp, browser)
    action, fields = _form(page)
    page = browser.post(
        action, data={**fields, "login": "anna.devries", "password": "tulpen-in-de-klas"}
    )
    encoded, _ = _saml_response(page)
    response = sp.parse_authn_request_response(
        encoded, BINDING_HTTP_POST, outstanding={request_id: "/"}
    )

    # Signed in at the IdP: the next request is answered without the sign-in form.
    _, page = _saml_login_page(sp, saml_idp, browser)
    assert "SAMLResponse" in page.text and 'name="password"' not in page.text

    _, logout_request = sp.create_logout_request(
        saml_idp.slo_url, saml_idp.entity_id, name_id=response.name_id
    )
    info = sp.apply_binding(
        BINDING_HTTP_REDIRECT, str(logout_request), saml_idp.slo_url, relay_state="/"
    )
    answer = browser.get(dict(info["headers"])["Location"], allow_redirects=False)
    assert answer.status_code == 303
    back = urlparse(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == SP_SLS
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert query["SigAlg"] == RSA_SHA256 and query["Signature"]
    logout_response = sp.parse_logout_request_response(query["SAMLResponse"], BINDING_HTTP_REDIRECT)
    assert logout_response.response.status.status_code.value.endswith(":Success")

    _, page = _saml_login_page(sp, saml_idp, browser)
    assert 'name="password"' in page.text  # signed out at the IdP


# --- The demo's identity providers -------------------------------------------------------------


def test_demo_idps_start_and_stop_with_their_script(tmp_path):
    script = Path(__file__).resolve().parents[2] / "scripts" / "demo_idp.py"
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, str(script), "--port", "0", "--key-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        printed = "".join(process.stdout.readline() for _ in range(6))
        issuer = re.search(r"issuer (\S+)", printed).group(1)
        metadata_url = re.search(r"metadata (\S+)", printed).group(1)
        config = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
        assert config["issuer"] == issuer
        assert "leraar.zonnebloem@demo.glans.invalid" in printed
        assert "glans-demo-zonnebloem" in printed
        assert requests.get(metadata_url, timeout=10).status_code == 200
        assert (tmp_path / "saml-idp-cert.pem").is_file()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    for url in (issuer, metadata_url):
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=2)
