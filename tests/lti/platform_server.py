"""A real LTI 1.3 platform on loopback for the tool's tests, built on the `lti1p3platform`
package (its registration, OIDC login, message launch with deep linking, AGS and NRPS claims,
access tokens and deep-linking response validation). This file only stores state and serves
HTTP: one course, three people, a gradebook.

Run: python tests/lti/platform_server.py PORT   (then POST /configure with the tool's URLs)
"""

import json
import sys
import threading
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from jwcrypto.jwk import JWK
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

ROLE_LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ROLE_INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
PEOPLE = {
    "learner-1": {
        "name": "Lotte Leerling",
        "given": "Lotte",
        "family": "Leerling",
        "roles": [ROLE_LEARNER],
    },
    "learner-2": {
        "name": "Sam Student",
        "given": "Sam",
        "family": "Student",
        "roles": [ROLE_LEARNER],
    },
    "teacher-1": {
        "name": "Docent Dirk",
        "given": "Dirk",
        "family": "Docent",
        "roles": [ROLE_INSTRUCTOR],
    },
}
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]

STATE = {
    "base": "",
    "tool": {},  # login_url, launch_url, jwks_url, client_id, deployment_id
    "links": [],  # {id, title, custom, lineitem}
    "lineitems": {},  # id -> {label, scoreMaximum, resourceId}
    "scores": [],  # every score POST as received
    "last_launch": None,  # the last id_token/state the platform sent (for replay tests)
    "pending": {},  # login_hint:lti_message_hint -> what to launch
}
LOCK = threading.Lock()
KEY = JWK.generate(kty="RSA", size=2048, kid="platform-key-1")
PRIVATE_PEM = KEY.export_to_pem(private_key=True, password=None).decode()
PUBLIC_PEM = KEY.export_to_pem().decode()


def registration() -> Registration:
    tool = STATE["tool"]
    return (
        Registration()
        .set_iss(STATE["base"])
        .set_client_id(tool.get("client_id", "glans-tool"))
        .set_deployment_id(tool.get("deployment_id", "deployment-1"))
        .set_oidc_login_url(tool.get("login_url", ""))
        .set_launch_url(tool.get("launch_url", ""))
        .set_deeplink_launch_url(tool.get("launch_url", ""))
        .set_tool_key_set_url(tool.get("jwks_url", ""))
        .set_platform_public_key(PUBLIC_PEM)
        .set_platform_private_key(PRIVATE_PEM)
    )


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        pass

    def get_registration_by_params(self, **kwargs):
        return registration()


class PlainRequest(Request):
    def build_metadata(self, request):
        return request


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):
        STATE["last_launch"] = dict(launch_data)
        return (
            "<!doctype html><html lang='nl'><head><title>Platform</title></head><body>"
            f"<form method='post' action='{escape(launch_data['launch_url'])}' id='f'>"
            f"<input type='hidden' name='id_token' value='{escape(launch_data['id_token'])}'>"
            f"<input type='hidden' name='state' value='{escape(launch_data['state'])}'>"
            "<button type='submit'>Doorgaan</button></form>"
            "<script>document.getElementById('f').submit()</script></body></html>"
        )


def _bearer_ok(headers, scope) -> bool:
    auth = headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        return False
    conf = PlatformConf()
    conf.get_registration()
    try:
        return conf.validate_token(auth[7:], allowed_scopes=[scope])
    except Exception:  # noqa: BLE001 - any invalid token is a 401
        return False


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="text/html; charset=utf-8", headers=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status, payload, content_type="application/json"):
        self._send(status, json.dumps(payload), content_type)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def _form(self):
        return {k: v[0] for k, v in parse_qs(self._body()).items()}

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with LOCK:
            self._get(url.path, query)

    def do_POST(self):
        url = urlsplit(self.path)
        with LOCK:
            self._post(url.path)

    # --- pages -----------------------------------------------------------------------
    def _get(self, path, query):
        if path == "/jwks":
            return self._json(200, {"keys": registration().get_jwks()})
        if path == "/state":
            return self._json(200, STATE)
        if path == "/course":
            return self._course(query.get("user", "learner-1"), query.get("mode", "iframe"))
        if path == "/start":  # OIDC third-party login initiation towards the tool
            hint = f"{query['user']}:{query.get('link', 'deep')}"
            login = Login(None, PlatformConf())
            login.set_lti_message_hint(hint=hint)
            return self._send(302, "", headers={"Location": login.initiate_login(query["user"])})
        if path == "/auth":  # authorisation endpoint: the tool's redirect after login init
            return self._auth(query)
        if path == "/memberships":
            if not _bearer_ok(
                self.headers,
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
            ):
                return self._json(401, {"error": "unauthorised"})
            members = [
                {
                    "status": "Active",
                    "user_id": uid,
                    "name": p["name"],
                    "given_name": p["given"],
                    "family_name": p["family"],
                    "roles": p["roles"],
                }
                for uid, p in PEOPLE.items()
            ]
            return self._json(
                200,
                {
                    "id": f"{STATE['base']}/memberships",
                    "context": {"id": "course-1"},
                    "members": members,
                },
                "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
            )
        if path.startswith("/lineitems/"):
            if not _bearer_ok(self.headers, AGS_SCOPES[0]) and not _bearer_ok(
                self.headers, AGS_SCOPES[1]
            ):
                return self._json(401, {"error": "unauthorised"})
            item_id = path.split("/")[2]
            item = STATE["lineitems"].get(item_id)
            return self._json(
                200 if item else 404, item or {}, "application/vnd.ims.lis.v2.lineitem+json"
            )
        return self._send(404, "not found")

    def _course(self, user, mode):
        rows = []
        for link in STATE["links"]:
            src = f"/start?user={user}&link={link['id']}"
            if mode == "iframe":
                rows.append(
                    f"<section><h2>{escape(link['title'])}</h2><iframe title='{escape(link['title'])}' "
                    f"name='tool-{link['id']}' src='{src}' width='1000' height='700'></iframe></section>"
                )
            else:
                rows.append(f"<p><a href='{src}' target='_blank'>{escape(link['title'])}</a></p>")
        body = "".join(rows) or "<p>Nog geen inhoud.</p>"
        add = f"<p><a id='add' href='/start?user={user}&link=deep'>GLANS-inhoud toevoegen</a></p>"
        self._send(
            200,
            f"<!doctype html><html lang='nl'><head><title>Cursus</title></head><body><h1>Cursus</h1>{add}{body}</body></html>",
        )

    def _auth(self, query):
        user, _sep, target = query.get("lti_message_hint", "").partition(":")
        person = PEOPLE.get(user)
        if person is None or query.get("login_hint") != user:
            return self._send(400, "unknown user")
        launch = Launch(
            PlainRequest(
                {
                    "method": "GET",
                    "form_data": {},
                    "get_data": query,
                    "headers": {},
                    "content_type": None,
                    "path": "/auth",
                    "json": None,
                }
            ),
            PlatformConf(),
        )
        launch.set_user_data(user, person["roles"], person["name"])
        launch.set_extra_claims({"given_name": person["given"], "family_name": person["family"]})
        launch.set_launch_context_claim(
            context_id="course-1",
            context_label="GLANS-101",
            context_title="Ouderbetrokkenheid (pabo)",
        )
        launch.set_nrps(f"{STATE['base']}/memberships")
        if target == "deep":
            launch.set_dl(
                f"{STATE['base']}/deeplink/return", title="GLANS", accept_types={"ltiResourceLink"}
            )
        else:
            link = next(x for x in STATE["links"] if x["id"] == target)
            launch.set_resource_link_claim(link["id"], title=link["title"])
            launch.set_custom_parameters_claim(link["custom"])
            launch.set_ags(
                f"{STATE['base']}/lineitems", f"{STATE['base']}/lineitems/{link['lineitem']}"
            )
            launch.set_launch_url(link["url"])
        return self._send(200, launch.lti_launch())

    def _post(self, path):
        if path == "/configure":
            STATE["tool"].update(json.loads(self._body()))
            return self._json(200, {"ok": True})
        if path == "/token":
            conf = PlatformConf()
            conf.get_registration()
            try:
                return self._json(200, conf.get_access_token(self._form()))
            except Exception as exc:  # noqa: BLE001
                return self._json(400, {"error": "invalid_request", "detail": str(exc)})
        if path == "/deeplink/return":
            conf = PlatformConf()
            conf.get_registration()
            try:
                items = conf.validate_deeplinking_resp(self._form())
            except Exception as exc:  # noqa: BLE001
                return self._send(400, f"refused: {escape(str(exc))}")
            for item in items:
                n = str(len(STATE["links"]) + 1)
                line = item.get("lineItem") or {}
                STATE["lineitems"][n] = {
                    "id": f"{STATE['base']}/lineitems/{n}",
                    "label": line.get("label", item.get("title")),
                    "scoreMaximum": line.get("scoreMaximum", 100),
                    "resourceId": line.get("resourceId", ""),
                }
                STATE["links"].append(
                    {
                        "id": n,
                        "title": item.get("title", ""),
                        "url": item.get("url"),
                        "custom": item.get("custom", {}),
                        "lineitem": n,
                    }
                )
            return self._send(302, "", headers={"Location": "/course?user=teacher-1&mode=list"})
        if path.startswith("/lineitems/") and path.endswith("/scores"):
            if not _bearer_ok(self.headers, AGS_SCOPES[2]):
                return self._json(401, {"error": "unauthorised"})
            score = json.loads(self._body())
            score["lineitem"] = path.split("/")[2]
            score["received"] = time.time()
            STATE["scores"].append(score)
            return self._json(200, {})
        return self._send(404, "not found")


def main():
    port = int(sys.argv[1])
    host = sys.argv[2] if len(sys.argv) > 2 else "localhost"
    STATE["base"] = f"http://{host}:{port}"
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
