"""Production settings: a missing or malformed setting stops start-up and names itself."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "glans.example.org",
    "DATABASE_URL": "postgres://u:p@db.example.org:5432/glans",
    "WAGTAILADMIN_BASE_URL": "https://glans.example.org",
}


def load_production(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in GOOD}
    env.update({k: v for k, v in {**GOOD, **env_overrides}.items() if v is not None})
    env["DJANGO_SETTINGS_MODULE"] = "glans_site.settings.production"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )  # noqa: S603


def test_production_settings_load_with_all_variables():
    result = load_production({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_SECRET_KEY", None),
        ("DJANGO_SECRET_KEY", "short"),
        ("DJANGO_ALLOWED_HOSTS", None),
        ("DATABASE_URL", None),
        ("DATABASE_URL", "nonsense://"),
        ("WAGTAILADMIN_BASE_URL", None),
        ("DJANGO_SECURE_SSL_REDIRECT", "perhaps"),
    ],
)
def test_missing_or_malformed_setting_is_named(name, value):
    result = load_production({name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr
