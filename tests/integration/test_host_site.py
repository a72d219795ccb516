"""The built wheel installed into an existing site that was not made for it (issues #9, #24):
English by default with English and French (no Dutch), its own base.html, its admin under
/cms/, `wagtail.contrib.settings` before the plugin came, hashed static files
(ManifestStaticFilesStorage, collectstatic) served by WhiteNoise, no Celery settings at all,
the plugin under a prefix of its own choosing, and pages and users that existed before the
plugin came. Walks login, landing, enrolment, a lesson, a session registration, the team
dashboard, the Wagtail admin and the API; a learner completes one own exercise (the
conversation) and one community exercise (the poll) in Chromium on gunicorn; and the same
host without the `xblocks` extra says why exercises do not run, and its lessons complete."""

import json
import re
import socket
import subprocess
import textwrap
import time
import urllib.request
from contextlib import contextmanager

import pytest

from tests.browser.waiting import wait_until
from tests.integration._hostsite import GLANS_APPS, host_env, manage, shell

pytestmark = pytest.mark.integration

PASSWORD = "An-Existing-Password-1"

SETTINGS = """
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "host-site-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "wagtail.contrib.settings",  # the host had it before the plugin came
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
WITH_GLANS = os.environ.get("HOST_WITH_GLANS") == "1"
if WITH_GLANS:
    INSTALLED_APPS += GLANS_APPS
    AUTHENTICATION_BACKENDS = [
        "rules.permissions.ObjectPermissionBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    LOGIN_URL = "glans_accounts:login"
    WAGTAIL_FRONTEND_LOGIN_URL = "glans_accounts:login"
    STATICFILES_FINDERS = [
        "django.contrib.staticfiles.finders.FileSystemFinder",
        "django.contrib.staticfiles.finders.AppDirectoriesFinder",
        "glans_learning.content.xblocks.finders.XBlockResourceFinder",
    ]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # the host serves its static files so
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "englishsite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [("en", "English"), ("fr", "Français")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
# Hashed static files, as the host had them; with the plugin, its storage (docs/install.md).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "glans_learning.content.xblocks.storage.ManifestStaticFilesStorage"
        if WITH_GLANS
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
WAGTAIL_SITE_NAME = "Oak Trust"
WAGTAILADMIN_BASE_URL = "http://localhost"
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # recommended by docs/install.md
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = BASE_DIR / "sent-mail"
"""

URLS = """
from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [path("cms/", include(wagtailadmin_urls))]
if settings.WITH_GLANS:
    urlpatterns += [path("leerplatform/", include("glans_learning.urls"))]
urlpatterns += [path("", include(wagtail_urls))]
"""

BASE_HTML = """<!DOCTYPE html>
{% load wagtailcore_tags %}<html lang="en"><head><title>Oak Trust</title></head>
<body><nav id="host-menu">{% for item in page.get_site.root_page.get_children.live.in_menu %}<a href="{% pageurl item %}">{{ item.title }}</a>{% endfor %}</nav>
{% block content %}{% endblock %}</body></html>
"""

PAGE_HTML = (
    """{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>{% endblock %}"""
)

MANAGE = """#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "englishsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

BEFORE_THE_PLUGIN = f"""
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site
User = get_user_model()
User.objects.create_superuser("editor", "editor@oak.example", {PASSWORD!r})
for name in ("alice", "dana"):
    User.objects.create_user(name, f"{{name}}@oak.example", {PASSWORD!r})
home = Site.objects.get(is_default_site=True).root_page
about = home.add_child(instance=Page(title="About us", slug="about-us", show_in_menus=True))
about.save_revision().publish()
print("PAGES", Page.objects.count())
"""

WALK = f"""
import datetime, json
from django.conf import settings
from django.test import Client
from django.utils import timezone
from glans_learning.courses.models import Enrollment, LessonPage, ProgrammePage, Session

out = {{}}

def login(client, username):
    response = client.post(
        "/leerplatform/accounts/login/", {{"username": username, "password": {PASSWORD!r}}}
    )
    return response.status_code, response.get("Location")

alice = Client(HTTP_ACCEPT_LANGUAGE="en")
page = alice.get("/leerplatform/accounts/login/")
html = page.content.decode()
out["login_page"] = [
    page.status_code, '<html lang="en">' in html, "Log in" in html and "Inloggen" not in html,
    "lang-select" in html,
]
out["login"] = login(alice, "alice")
out["landing"] = alice.get(out["login"][1], follow=True).status_code

workshop = ProgrammePage.objects.get(slug="glans-workshop")
response = alice.post(f"/leerplatform/leren/programma/{{workshop.pk}}/inschrijven/")
out["enrol"] = [response.status_code, Enrollment.objects.filter(user__username="alice").count()]
lesson = LessonPage.objects.live().descendant_of(workshop).first()
response = alice.get(lesson.url)
out["lesson"] = [response.status_code, lesson.title in response.content.decode()]
anonymous = Client().get(lesson.url)
out["anonymous"] = [anonymous.status_code, anonymous.get("Location", "").split("?")[0]]

start = timezone.now() + datetime.timedelta(days=7)
session = Session.objects.create(
    programme=workshop, kind=Session.Kind.ONLINE, title="Evening session", starts_at=start,
    ends_at=start + datetime.timedelta(hours=2), location="Leeds",
)
response = alice.post(f"/leerplatform/leren/bijeenkomsten/{{session.pk}}/aanmelden/")
sent = list(settings.EMAIL_FILE_PATH.glob("*")) if settings.EMAIL_FILE_PATH.exists() else []
out["register"] = [response.status_code, session.registrations.count(), len(sent)]

out["api"] = [
    alice.get("/leerplatform/api/v1/programmes").status_code,
    len(alice.get("/leerplatform/api/v1/programmes").json()),
    alice.get("/leerplatform/api/v1/openapi.json").status_code,
]

dana = Client()
out["director_login"] = login(dana, "dana")
out["team"] = dana.get("/leerplatform/leren/team/").status_code
out["admin"] = dana.get("/cms/").status_code

home = Client().get("/")
menu = home.content.decode().split('<nav id="host-menu">')[1].split("</nav>")[0]
out["host_home"] = [home.status_code, "About us" in menu, "Leeraanbod" in menu]
out["about"] = Client().get("/about-us/").status_code
print("WALK " + json.dumps(out))
"""


WSGI = """import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "englishsite.settings")
application = get_wsgi_application()

from glans_learning.warmup import warm_up  # noqa: E402 - as docs/install.md advises

warm_up()
"""


def write_host(site):
    (site / "englishsite").mkdir(parents=True)
    (site / "templates" / "wagtailcore").mkdir(parents=True)
    (site / "manage.py").write_text(MANAGE)
    (site / "englishsite" / "__init__.py").write_text("")
    # The host already has wagtail.contrib.settings: it adds the rest ("add if missing").
    apps = [app for app in GLANS_APPS if app != "wagtail.contrib.settings"]
    (site / "englishsite" / "settings.py").write_text(
        SETTINGS.replace("INSTALLED_APPS += GLANS_APPS", f"INSTALLED_APPS += {apps!r}")
    )
    (site / "englishsite" / "urls.py").write_text(URLS)
    (site / "englishsite" / "wsgi.py").write_text(WSGI)
    (site / "templates" / "base.html").write_text(BASE_HTML)
    (site / "templates" / "wagtailcore" / "page.html").write_text(PAGE_HTML)


def install_host(python, site):
    """The site as it was (migrated, with editors, learners and pages), then the plugin
    installed as docs/install.md says: settings, one include, migrate, material, static files,
    first run. Returns the output of `check` and of the material loader."""
    write_host(site)
    manage(python, site, "migrate", "--noinput", "-v0")
    assert int(shell(python, site, textwrap.dedent(BEFORE_THE_PLUGIN)).split()[-1]) >= 3

    env = host_env(HOST_WITH_GLANS="1")
    check = manage(python, site, "check", env=env)
    manage(python, site, "migrate", "--noinput", "-v0", env=env)
    loaded = manage(python, site, "load_course_material", env=env)
    manage(python, site, "collectstatic", "--noinput", "-v0", env=env)  # hashed, and no error
    setup = ["--director", "dana", "--member", "alice", "--board", "Oak Trust"]
    manage(python, site, "glans_setup", *setup, "--unit", "Oak Primary", env=env)
    return check.stdout + check.stderr, loaded.stdout + loaded.stderr


@pytest.fixture(scope="module")
def english_host(tmp_path_factory, plugin_python):
    """One installed host per module (the walk and the browser share it)."""
    site = tmp_path_factory.mktemp("host") / "englishsite"
    check, _loaded = install_host(plugin_python, site)
    return plugin_python, site, check


def test_existing_english_site_without_celery(english_host):
    python, site, check = english_host
    env = host_env(HOST_WITH_GLANS="1")
    assert "glans_core.W001" in check  # no broker: warned, with the fix
    # Everything else docs/install.md asks for is there: no other warning.
    assert not re.search(r"glans_\w+\.[EW]\d+", check.replace("glans_core.W001", ""))

    stdout = shell(python, site, textwrap.dedent(WALK), env=env)
    walk = json.loads(next(line for line in stdout.splitlines() if line.startswith("WALK "))[5:])
    # In English from the wheel's own catalogues; no switcher (French has no catalogue).
    assert walk["login_page"] == [200, True, True, False]
    assert walk["login"] == [302, "/leerplatform/accounts/start/"]
    assert walk["landing"] == 200
    assert walk["enrol"] == [302, 1]
    assert walk["lesson"] == [200, True]
    assert walk["anonymous"] == [302, "/leerplatform/accounts/login/"]  # not /_util/login/
    assert walk["register"] == [302, 1, 1]  # no broker: no 500, and the confirmation was sent
    assert walk["api"][0] == 200 and walk["api"][1] >= 1 and walk["api"][2] == 200
    assert walk["director_login"] == [302, "/leerplatform/accounts/start/"]
    assert walk["team"] == 200
    assert walk["admin"] == 200
    assert walk["host_home"] == [200, True, False]  # programmes are not in the host's menu
    assert walk["about"] == 200


# Everything a lesson with an exercise of `block_type` needs except the exercise, done by
# `username` through the plugin's own form view; prints the lesson and what is still open.
PREPARE = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from glans_learning.courses import services
from glans_learning.courses.completion.rules import required_activities
from glans_learning.courses.models import ActivityResponse, LessonPage, ProgrammePage
from glans_learning.organisations.models import OrganisationUnit

block_type, username = ARGS
user = get_user_model().objects.get(username=username)
lesson = next(  # the first lesson whose author made an exercise of this type required
    lesson for lesson in LessonPage.objects.live().order_by("path")
    if any(
        a.get("xblock_type") == block_type and a.get("required", True)
        for a in lesson.activity_summary
    )
)
programme = ProgrammePage.objects.ancestor_of(lesson).get()
services.enrol_placed(
    user=user, programme=programme, unit=OrganisationUnit.objects.get(name="Oak Primary")
)
client = Client(HTTP_ACCEPT_LANGUAGE="en")
client.force_login(user)
for activity in required_activities(lesson):
    if activity["kind"] == "exercise":
        continue
    block = lesson.get_activity(activity["id"])
    if activity["kind"] == "knowledge_check":
        data = {"choice": [o["is_correct"] for o in block.value["options"]].index(True)}
    else:  # a reflection or an assignment: an answer long enough
        data = {"answer": "Ik nodig elke ouder in de eerste weken uit voor een gesprek "
                           "over wat zij voor hun kind hopen, en ik bel ook de tweede ouder."}
    client.post(reverse("glans_courses:activity", args=[lesson.pk, activity["id"]]), data)
answered = set(
    ActivityResponse.objects.filter(user=user, lesson=lesson).values_list("block_id", flat=True)
)
exercise = next(a["id"] for a in lesson.activity_summary if a.get("xblock_type") == block_type)
left = [a["id"] for a in required_activities(lesson) if a["id"] not in answered]
print("PREPARED " + json.dumps({"url": lesson.url, "id": lesson.pk, "exercise": exercise,
                                 "left": left}))
"""

PROGRESS = """
import json
from glans_learning.courses.models import ActivityResponse, LessonProgress
username, lesson_id, block_id = ARGS
progress = LessonProgress.objects.filter(user__username=username, lesson_id=lesson_id).first()
print("PROGRESS " + json.dumps([
    progress is not None and progress.completed_at is not None,
    ActivityResponse.objects.filter(
        user__username=username, lesson_id=lesson_id, block_id=block_id
    ).exists(),
]))
"""


def _json_line(stdout: str, prefix: str):
    return json.loads(next(x for x in stdout.splitlines() if x.startswith(prefix))[len(prefix) :])


def host_shell(python, site, script, *args) -> str:
    """`script` in the host's shell (with the plugin), its ARGS replaced by `args`."""
    return shell(
        python, site, script.replace("ARGS", repr(args)), env=host_env(HOST_WITH_GLANS="1")
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(python, site):
    """The host served by gunicorn (its static files by WhiteNoise), as in production."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            *(str(python), "-m", "gunicorn", "englishsite.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
        ],
        cwd=site,
        env=host_env(HOST_WITH_GLANS="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/leerplatform/accounts/login/") as response:  # noqa: S310
                    assert response.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read()[-3000:]
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # The warm-up ran in the worker (docs/install.md) and did not fail, with or without the
    # xblocks extra (a failure is logged, not raised, so it would show only here).
    errors = server.stderr.read()
    assert "Warm-up failed" not in errors, errors[-3000:]
    assert "failed to render" not in errors, errors[-3000:]


def _handler(name):
    return lambda response: f"/handler/{name}/" in response.url


def _finish_conversation(page, block):
    """Answers each step with its first choice until the conversation ends."""
    for _step in range(20):
        if block.locator('[data-role="result"]').is_visible():
            return
        with page.expect_response(_handler("choose")) as chosen:
            block.locator('[data-role="choices"] [data-choice="0"]').first.click()
        assert chosen.value.ok, chosen.value.text()
        wait_until(
            page,
            "() => { const b = document.querySelector("
            "'.xblock[data-block-type=\"glans-conversation\"]');"
            " return !b.querySelector('[data-role=\"result\"]').hidden"
            " || !!b.querySelector('[data-role=\"choices\"]'); }",
        )
    raise AssertionError("the conversation did not end within 20 steps")


def _vote(page, block):
    block.locator("input[type=radio]").first.check()
    with page.expect_response(_handler("vote")) as vote:
        block.locator("button.submit").click()
    assert vote.value.json()["success"] is True
    block.locator(".poll-results").wait_for()


@pytest.mark.postgres_only  # slow (a server and a browser); the host's own database is SQLite
def test_a_learner_completes_an_own_and_a_community_exercise_in_chromium(english_host, browser):
    """Issues #22 §2 and #24 §2: the exercises' JavaScript (the wheel's public/ folder and the
    poll's resources through XBlockResourceFinder, hashed by collectstatic) loads on a host
    installed from the wheel, and finishing the exercise completes its lesson."""
    python, site, _check = english_host
    lessons = {
        kind: _json_line(host_shell(python, site, PREPARE, kind, "alice"), "PREPARED ")
        for kind in ("glans-conversation", "poll")
    }
    for lesson in lessons.values():  # only the exercise is left
        assert lesson["left"] == [lesson["exercise"]], lesson

    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    with gunicorn(python, site) as base:
        page.goto(f"{base}/leerplatform/accounts/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

        for kind, finish in (("glans-conversation", _finish_conversation), ("poll", _vote)):
            lesson = lessons[kind]
            page.goto(f"{base}{lesson['url']}")
            block = page.locator(f'.xblock[data-block-type="{kind}"]')
            block.wait_for()
            opened = _json_line(
                host_shell(python, site, PROGRESS, "alice", lesson["id"], lesson["exercise"]),
                "PROGRESS ",
            )
            assert opened == [False, False], kind  # opened, not complete before the exercise
            finish(page, block)
            done = _json_line(
                host_shell(python, site, PROGRESS, "alice", lesson["id"], lesson["exercise"]),
                "PROGRESS ",
            )
            assert done == [True, True], kind
    context.close()
    assert not missing, missing  # every script, style sheet and handler call answered
    assert not errors, errors


# On the host without the extra: the lesson (its other activities done by PREPARE), its
# exercise's notice, the handler's answer, and the lesson's completion after opening it.
BARE_LESSON = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from glans_learning.content.xblocks import ids
from glans_learning.courses.models import LessonProgress

username, lesson_id, lesson_url, block_id = ARGS
client = Client(HTTP_ACCEPT_LANGUAGE="en")
client.force_login(get_user_model().objects.get(username=username))
page = client.get(lesson_url)
html = page.content.decode()
usage = ids.usage_id_for(page_id=lesson_id, block_id=block_id)
handler = client.post(reverse("glans_content:xblock_handler", args=[usage, "choose"]), {})
progress = LessonProgress.objects.get(user__username=username, lesson_id=lesson_id)
print("BARE " + json.dumps({
    "lesson": page.status_code,
    "notice": "This exercise is not available on this site." in html,
    "not_counted": "It does not count towards completing this lesson." in html,
    "does_not_exist": "does not exist" in html,
    "handler": [handler.status_code, handler.json().get("error")],
    "completed": progress.completed_at is not None,
}))
"""


@pytest.mark.postgres_only  # slow (a second host); the host's own database is SQLite
def test_the_same_host_without_the_xblocks_extra(tmp_path, plugin_python_without_xblocks):
    """Issue #24 §2: installed without `glans-learning[xblocks]`, the check and the material
    loader say why exercises do not run, a lesson shows the translated "not available on
    this site" notice, and a lesson whose required exercise cannot run still completes."""
    python, site = plugin_python_without_xblocks, tmp_path / "englishsite"
    check, loaded = install_host(python, site)
    assert "glans_content.W001" in check and "glans-learning[xblocks]" in check
    assert "glans_content.W002" not in check and "glans_content.W003" not in check
    assert "use exercises this site cannot run" in loaded and "glans-learning[xblocks]" in loaded
    env = host_env(HOST_WITH_GLANS="1")
    database_check = manage(python, site, "check", "--database", "default", env=env)
    assert "glans_content.W004" in database_check.stdout + database_check.stderr

    lesson = _json_line(
        host_shell(python, site, PREPARE, "glans-conversation", "alice"), "PREPARED "
    )
    assert lesson["left"] == []  # the exercise that cannot run is not required here
    args = ("alice", lesson["id"], lesson["url"], lesson["exercise"])
    bare = _json_line(host_shell(python, site, BARE_LESSON, *args), "BARE ")
    assert bare["lesson"] == 200
    assert bare["notice"] and bare["not_counted"] and not bare["does_not_exist"]
    assert bare["handler"] == [404, "This exercise is not available on this site."]
    assert bare["completed"] is True  # opened, every activity that can run done: complete
