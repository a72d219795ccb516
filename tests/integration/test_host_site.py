"""The built wheel installed into an existing site that was not made for it (issue #9): English
by default with English and French (no Dutch), its own base.html, its admin under /cms/, no
Celery settings at all, the plugin under a prefix of its own choosing, and pages and users that
existed before the plugin came. Walks login, landing, enrolment, a lesson, a session
registration, the team dashboard, the Wagtail admin and the API."""

import json
import re
import textwrap

import pytest

from tests.integration._hostsite import GLANS_APPS, host_env, manage, shell

pytestmark = pytest.mark.integration

PASSWORD = "An-Existing-Password-1"

SETTINGS = """
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "host-site-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]

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
    (site / "templates" / "base.html").write_text(BASE_HTML)
    (site / "templates" / "wagtailcore" / "page.html").write_text(PAGE_HTML)


def test_existing_english_site_without_celery(tmp_path, plugin_python):
    python, site = plugin_python, tmp_path / "englishsite"
    write_host(site)
    # The site as it was: migrated, with editors, learners and pages.
    manage(python, site, "migrate", "--noinput", "-v0")
    assert int(shell(python, site, textwrap.dedent(BEFORE_THE_PLUGIN)).split()[-1]) >= 3

    # Installing the plugin: settings, one include, migrate, material, first run.
    env = host_env(HOST_WITH_GLANS="1")
    check = manage(python, site, "check", env=env)
    assert "glans_core.W001" in check.stderr + check.stdout  # no broker: warned, with the fix
    # Everything else docs/install.md asks for is there: no other warning.
    assert not re.search(
        r"glans_\w+\.[EW]\d+", (check.stderr + check.stdout).replace("glans_core.W001", "")
    )
    manage(python, site, "migrate", "--noinput", "-v0", env=env)
    manage(python, site, "load_course_material", env=env)
    manage(python, site, "collectstatic", "--noinput", "-v0", env=env)  # hashed, and no error
    setup = ["--director", "dana", "--member", "alice", "--board", "Oak Trust"]
    manage(python, site, "glans_setup", *setup, "--unit", "Oak Primary", env=env)

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
