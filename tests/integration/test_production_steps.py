"""The README's deployment steps, in order, with the production settings (issue #24): settings
from environment variables only, `migrate`, `compilemessages`, `collectstatic`,
`load_course_material`, then gunicorn behind a proxy that terminates HTTPS (it sets
`X-Forwarded-Proto`). Walks login, the landing page, a lesson with an exercise (and every
static file it names), the team page and the admin, each over that proxy."""

import contextlib
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.postgres_only, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "A-Production-Password-1"
HOST = "glans.example.org"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_url():
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("needs PostgreSQL (scripts/with-services.sh)")
    import psycopg

    parts = urlsplit(base)
    name = f"glans_production_{secrets.token_hex(4)}"
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield parts._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def production_env(tmp_path, database_url):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "GLANS_")) and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="glans_site.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        WAGTAILADMIN_BASE_URL=f"https://{HOST}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )
    return env


def step(env, *args):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, (
        f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


class Browser:
    """An HTTP client as the proxy forwards it: HTTPS to the outside, cookies kept (the
    session and CSRF cookies are `Secure`)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, referer=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Accept-Language": "nl",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}{referer or path}"
            headers["Origin"] = f"https://{HOST}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        conn.close()
        return response.status, dict(response.getheaders()), content

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        from urllib.parse import urlencode

        status, headers, content = self.get(path)
        assert status == 200, (path, status)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
        body = urlencode({"csrfmiddlewaretoken": token.decode(), **fields})
        return self.request("POST", path, body=body, referer=path)


@contextlib.contextmanager
def gunicorn(production_env):
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "glans_site.wsgi",
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "--forwarded-allow-ips=127.0.0.1",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=production_env,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, "gunicorn stopped"
            time.sleep(0.2)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


SETUP = f"""
import json
from django.contrib.auth import get_user_model
from glans_learning.courses.models import LessonPage, ProgrammePage
User = get_user_model()
for name in ("directeur", "leraar"):
    User.objects.create_user(name, f"{{name}}@school.example", {PASSWORD!r})
tdt = ProgrammePage.objects.get(slug="train-de-trainer")
lesson = next(
    page for page in LessonPage.objects.live().descendant_of(tdt).specific()
    if any(block.block_type == "exercise" for block in page.body)
)
print("PAGES " + json.dumps({{"programme": tdt.pk, "lesson": lesson.url}}))
"""


ENROL = """
from django.contrib.auth import get_user_model
from glans_learning.courses import services
from glans_learning.courses.models import ProgrammePage
leraar = get_user_model().objects.get(username="leraar")
tdt = ProgrammePage.objects.get(slug="train-de-trainer")
from glans_learning.organisations.models import OrganisationUnit as Unit
directeur = get_user_model().objects.get(username="directeur")
services.enrol(user=leraar, programme=tdt, by=directeur, unit=Unit.objects.get())
"""


def test_readme_production_steps(production_env):
    env = production_env
    # The README's step 3, in its order.
    step(env, "migrate", "--noinput", "-v0")
    step(env, "compilemessages", "--ignore=.venv", "--ignore=build", "-v0")
    collected = step(env, "collectstatic", "--noinput")
    assert "post-processed" in collected
    static_root = Path(env["DJANGO_STATIC_ROOT"])
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    assert manifest["glans_core/favicon.svg"] != "glans_core/favicon.svg"  # our files: hashed
    assert (static_root / "xblock" / "poll" / "public").is_dir()  # XBlocks': as they are
    step(env, "load_course_material")
    # Step 6: the first people.
    out = step(env, "shell", "-c", SETUP)
    pages = json.loads(next(ln for ln in out.splitlines() if ln.startswith("PAGES "))[6:])
    step(env, "glans_setup", "--director", "directeur", "--member", "leraar")
    step(env, "shell", "-c", ENROL)
    check = step(env, "check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in check
    # Step 4: the web server, after collectstatic (it reads the manifest when it starts).
    with gunicorn(env) as port:
        walk(port, pages)


def walk(port, pages):

    # Plain HTTP is redirected to HTTPS; the proxy's header says it was HTTPS.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/", headers={"Host": HOST})
    assert conn.getresponse().status == 301

    leraar = Browser(port)
    status, headers, _ = leraar.post_form(
        "/accounts/login/", {"username": "leraar", "password": PASSWORD}
    )
    assert status == 302, status
    assert "Secure" in headers.get("Set-Cookie", "") or leraar.cookies.get("sessionid")
    status, _, landing = leraar.get(urlsplit(headers["Location"]).path)
    assert status in (200, 302)

    status, _, lesson = leraar.get(pages["lesson"])
    assert status == 200
    html = lesson.decode()
    assert "glans-xblock" in html or "xblock" in html  # the exercise is rendered
    assert "niet beschikbaar" not in html
    # Every static file the lesson names is served (hashed names from the manifest).
    statics = sorted(set(re.findall(r'(/static/[^"\'\s)?#]+)', unescape(html))))
    assert any("favicon" in s and s != "/static/glans_core/favicon.svg" for s in statics)
    assert any(s.startswith("/static/xblock/") for s in statics)
    for path in statics:
        assert leraar.get(path)[0] == 200, path

    directeur = Browser(port)
    status, headers, _ = directeur.post_form(
        "/accounts/login/", {"username": "directeur", "password": PASSWORD}
    )
    assert status == 302
    assert directeur.get("/leren/team/")[0] == 200
    status, _, admin = directeur.get("/admin/")
    assert status == 200, status
    assert b"wagtail" in admin.lower()
