"""A SAML 2.0 identity provider for the SSO tests and the demo: pysaml2's IdP (saml2.server)
behind a small WSGI server on loopback. Started by tests/sso/idp_saml.py; see
tests/sso/README.md.

    python server.py CONFIG.json

CONFIG.json: {"host", "port" (0: any free port), "key_file", "cert_file", "sp_metadata_file",
"accounts": [{"uid", "email", "name", "password", "authn_context"}]}. Prints `ready <base url>`
once it listens. The protocol work (parsing the AuthnRequest, building and signing the Response
with RSA-SHA256, LogoutRequest/LogoutResponse) is pysaml2's; what is ours is the sign-in page
(a form with `login` and `password` that checks the configured passwords) and the IdP's
session cookie.
"""

import base64
import html
import json
import secrets
import shutil
import sys
import threading
from http.cookies import SimpleCookie
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from saml2 import (
    BINDING_HTTP_POST,
    BINDING_HTTP_REDIRECT,
    xmldsig,
)
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import (
    NAME_FORMAT_URI,
    NAMEID_FORMAT_EMAILADDRESS,
    NAMEID_FORMAT_PERSISTENT,
    NAMEID_FORMAT_TRANSIENT,
    NAMEID_FORMAT_UNSPECIFIED,
    NameID,
)
from saml2.server import Server

SIGN_ALG = xmldsig.SIG_RSA_SHA256
DIGEST_ALG = xmldsig.DIGEST_SHA256
SESSION_COOKIE = "glans_test_saml_idp"
PATHS = {
    "metadata": "/saml/metadata",
    "sso_redirect": "/saml/sso/redirect",
    "sso_post": "/saml/sso/post",
    "login": "/saml/login",
    "slo_redirect": "/saml/slo/redirect",
    "slo_post": "/saml/slo/post",
}


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        sys.stderr.write("saml-idp: " + (format % args) + "\n")


def idp_config(base: str, config: dict) -> IdPConfig:
    entity_id = base + PATHS["metadata"]
    conf = IdPConfig()
    conf.load(
        {
            "entityid": entity_id,
            "name": "GLANS test-IdP (SAML)",
            "service": {
                "idp": {
                    "name": "GLANS test-IdP (SAML)",
                    "endpoints": {
                        "single_sign_on_service": [
                            (base + PATHS["sso_redirect"], BINDING_HTTP_REDIRECT),
                            (base + PATHS["sso_post"], BINDING_HTTP_POST),
                        ],
                        "single_logout_service": [
                            (base + PATHS["slo_redirect"], BINDING_HTTP_REDIRECT),
                            (base + PATHS["slo_post"], BINDING_HTTP_POST),
                        ],
                    },
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 15},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [
                        NAMEID_FORMAT_PERSISTENT,
                        NAMEID_FORMAT_TRANSIENT,
                        NAMEID_FORMAT_EMAILADDRESS,
                    ],
                    "want_authn_requests_signed": False,
                    "sign_response": True,
                    "sign_assertion": True,
                    "signing_algorithm": SIGN_ALG,
                    "digest_algorithm": DIGEST_ALG,
                }
            },
            "key_file": config["key_file"],
            "cert_file": config["cert_file"],
            "metadata": {"local": [config["sp_metadata_file"]]},
            "xmlsec_binary": shutil.which("xmlsec1"),
            "signing_algorithm": SIGN_ALG,
            "digest_algorithm": DIGEST_ALG,
            "accepted_time_diff": 60,
        }
    )
    return conf


def _page(title: str, body: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body>\n</html>"
    ).encode()


def _login_page(key: str, *, error: str = "", login: str = "") -> bytes:
    message = f'<p role="alert" class="error">{html.escape(error)}</p>' if error else ""
    return _page(
        "Test-IdP (SAML): inloggen",
        f"""{message}
<form method="post" action="{PATHS["login"]}" autocomplete="off">
  <input type="hidden" name="key" value="{html.escape(key)}">
  <label for="login">Gebruikersnaam of e-mailadres</label>
  <input id="login" name="login" type="text" required value="{html.escape(login)}">
  <label for="password">Wachtwoord</label>
  <input id="password" name="password" type="password" required>
  <button type="submit">Inloggen</button>
</form>""",
    )


def _post_form(action: str, fields: dict) -> bytes:
    """The HTTP-POST binding: a form the browser submits at once (and a button without
    scripts)."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
        if v
    )
    return _page(
        "Test-IdP (SAML): doorsturen",
        f'<form method="post" action="{html.escape(action)}">{inputs}'
        '<button type="submit">Doorgaan</button></form>'
        "<script>document.forms[0].submit();</script>",
    )


class SamlIdp:
    def __init__(self, base: str, config: dict):
        self.base = base
        self.server = Server(config=idp_config(base, config))
        self.accounts = config["accounts"]
        self.by_login = {}
        for account in self.accounts:
            self.by_login[account["uid"].lower()] = account
            self.by_login[account["email"].lower()] = account
        self.pending = {}  # key -> (parsed AuthnRequest, RelayState)
        self.sessions = {}  # session cookie -> uid
        self.lock = threading.Lock()

    # --- WSGI --------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ["REQUEST_METHOD"]
        params = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            params.update({k: v[-1] for k, v in parse_qs(body).items()})
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        session = cookie[SESSION_COOKIE].value if SESSION_COOKIE in cookie else None
        try:
            with self.lock:
                status, headers, body = self.route(path, method, params, session)
        except Exception as exc:  # noqa: BLE001 (shown to the test, which then fails)
            status, headers = "400 Bad Request", [("Content-Type", "text/html; charset=utf-8")]
            body = _page("Test-IdP (SAML): fout", f"<p>{html.escape(repr(exc))}</p>")
            sys.stderr.write(f"saml-idp error: {exc!r}\n")
        headers.append(("Cache-Control", "no-store"))
        start_response(status, headers)
        return [body]

    def route(self, path, method, params, session):
        html_type = ("Content-Type", "text/html; charset=utf-8")
        if path == PATHS["metadata"]:
            xml = create_metadata_string(None, config=self.server.config, sign=False)
            return "200 OK", [("Content-Type", "application/samlmetadata+xml")], xml
        if path in (PATHS["sso_redirect"], PATHS["sso_post"]):
            binding = BINDING_HTTP_REDIRECT if path == PATHS["sso_redirect"] else BINDING_HTTP_POST
            request = self.server.parse_authn_request(params["SAMLRequest"], binding)
            relay_state = params.get("RelayState", "")
            uid = self.sessions.get(session)
            if uid and not request.message.force_authn:
                return "200 OK", [html_type], self.authn_response(request, relay_state, uid)
            key = secrets.token_urlsafe(16)
            self.pending[key] = (request, relay_state)
            return "200 OK", [html_type], _login_page(key)
        if path == PATHS["login"] and method == "POST":
            key = params.get("key", "")
            if key not in self.pending:
                return "400 Bad Request", [html_type], _page("Test-IdP (SAML): fout", "")
            login = params.get("login", "").strip()
            account = self.by_login.get(login.lower())
            if account is None or not secrets.compare_digest(
                account["password"].encode(), params.get("password", "").encode()
            ):
                error = "Onjuiste gebruikersnaam of wachtwoord."
                return "200 OK", [html_type], _login_page(key, error=error, login=login)
            request, relay_state = self.pending.pop(key)
            new_session = secrets.token_urlsafe(24)
            self.sessions[new_session] = account["uid"]
            set_cookie = (
                "Set-Cookie",
                f"{SESSION_COOKIE}={new_session}; Path=/; HttpOnly; SameSite=Lax",
            )
            body = self.authn_response(request, relay_state, account["uid"])
            return "200 OK", [html_type, set_cookie], body
        if path in (PATHS["slo_redirect"], PATHS["slo_post"]):
            return self.single_logout(path, params, session)
        return "404 Not Found", [html_type], _page("Test-IdP (SAML): niet gevonden", "")

    # --- SAML --------------------------------------------------------------------------
    def authn_response(self, request, relay_state, uid) -> bytes:
        account = next(a for a in self.accounts if a["uid"] == uid)
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        policy = args.get("name_id_policy")
        name_format = (policy.format if policy is not None else None) or NAMEID_FORMAT_PERSISTENT
        if name_format == NAMEID_FORMAT_EMAILADDRESS:
            name_id = NameID(format=name_format, text=account["email"])
        elif name_format in (NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_UNSPECIFIED):
            name_id = NameID(format=name_format, text=account["uid"])
        else:
            name_id = NameID(format=NAMEID_FORMAT_PERSISTENT, text=account["uid"])
        identity = {
            "uid": [account["uid"]],
            "mail": [account["email"]],
            "displayName": [account["name"]],
        }
        response = self.server.create_authn_response(
            identity,
            in_response_to=args["in_response_to"],
            destination=args["destination"],
            sp_entity_id=args["sp_entity_id"],
            name_id=name_id,
            authn={"class_ref": account["authn_context"], "authn_auth": self.base},
            sign_response=True,
            sign_assertion=True,
            sign_alg=SIGN_ALG,
            digest_alg=DIGEST_ALG,
        )
        encoded = base64.b64encode(str(response).encode()).decode()
        return _post_form(args["destination"], {"SAMLResponse": encoded, "RelayState": relay_state})

    def single_logout(self, path, params, session):
        binding = BINDING_HTTP_REDIRECT if path == PATHS["slo_redirect"] else BINDING_HTTP_POST
        request = self.server.parse_logout_request(
            params["SAMLRequest"],
            binding,
            relay_state=params.get("RelayState"),
            sigalg=params.get("SigAlg"),
            signature=params.get("Signature"),
        )
        self.sessions.pop(session, None)
        for sid, uid in list(self.sessions.items()):
            if uid == request.message.name_id.text:
                del self.sessions[sid]
        response = self.server.create_logout_response(
            request.message, [binding], sign_alg=SIGN_ALG, digest_alg=DIGEST_ALG
        )
        args = self.server.response_args(request.message, [binding])
        expire = ("Set-Cookie", f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
        relay_state = params.get("RelayState", "")
        if args["binding"] == BINDING_HTTP_REDIRECT:
            http_args = self.server.apply_binding(
                BINDING_HTTP_REDIRECT,
                str(response),
                args["destination"],
                relay_state,
                response=True,
                sign=True,
                sigalg=SIGN_ALG,
            )
            return "303 See Other", [*http_args["headers"], expire], b""
        encoded = base64.b64encode(str(response).encode()).decode()
        body = _post_form(args["destination"], {"SAMLResponse": encoded, "RelayState": relay_state})
        return "200 OK", [("Content-Type", "text/html; charset=utf-8"), expire], body


def main() -> None:
    with open(sys.argv[1]) as handle:
        config = json.load(handle)
    httpd = make_server(
        config["host"],
        config.get("port") or 0,
        lambda environ, start_response: app(environ, start_response),
        server_class=_Server,
        handler_class=_QuietHandler,
    )
    base = f"http://{config['host']}:{httpd.server_port}"
    app = SamlIdp(base, config)
    print(f"ready {base}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
