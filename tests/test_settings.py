"""Production settings: a missing or malformed setting stops start-up and names itself."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD = {
    "DJANGO_SECRET_KEY": "k3Jd9-Qp2Lm7Zx4Vb8Nc1Hs6Tg0Wr5Ye-Ua3Fi9Oj2Ek7Rn-Xc5Bv8Mz1",
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
        ("DJANGO_SECRET_KEY", "x" * 60),
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


def test_deploy_check_passes_with_the_documented_environment():
    """`manage.py check --deploy --fail-level WARNING` with the README's production variables."""
    # Not inherited from the test run: pytest-playwright sets DJANGO_ALLOW_ASYNC_UNSAFE.
    env = {
        k: v for k, v in os.environ.items() if k not in GOOD and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(GOOD)
    env["DJANGO_SETTINGS_MODULE"] = "glans_site.settings.production"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hsts_preload_is_opt_in():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    env = {k: v for k, v in os.environ.items() if k not in GOOD}
    env.update({**GOOD, "DJANGO_SETTINGS_MODULE": "glans_site.settings.production"})
    off = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )  # noqa: S603
    env["DJANGO_SECURE_HSTS_PRELOAD"] = "true"
    on = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )  # noqa: S603
    assert (off.stdout.strip(), on.stdout.strip()) == ("False", "True"), off.stderr + on.stderr


def show_production(env_overrides, expression):
    env = {k: v for k, v in os.environ.items() if k not in GOOD}
    env.update({k: v for k, v in {**GOOD, **env_overrides}.items() if v is not None})
    env["DJANGO_SETTINGS_MODULE"] = "glans_site.settings.production"
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )  # noqa: S603
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_cluster_shares_its_cache_through_redis():
    """Without DJANGO_CACHE_URL each process has its own memory: the import's progress a worker
    writes would never reach a web node (issue #27)."""
    shown = show_production(
        {"DJANGO_CACHE_URL": "redis://cache.example.org:6379/1"},
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']",
    )
    assert shown == "django.core.cache.backends.redis.RedisCache redis://cache.example.org:6379/1"
    assert "LocMemCache" in show_production({}, "settings.CACHES['default']['BACKEND']")
    assert "ImproperlyConfigured" in load_production({"DJANGO_CACHE_URL": "memcached://x"}).stderr


def test_media_in_object_storage_is_private():
    options = {
        "GLANS_S3_BUCKET": "glans-media",
        "GLANS_S3_ENDPOINT_URL": "https://s3.example.org",
        "GLANS_S3_REGION": "nl-ams",
        "GLANS_S3_ADDRESSING_STYLE": "path",
    }
    shown = show_production(
        options,
        "settings.STORAGES['default']['BACKEND'],"
        " sorted((k, str(v)) for k, v in settings.STORAGES['default']['OPTIONS'].items()"
        " if k != 'client_config'), settings.WAGTAILDOCS_SERVE_METHOD",
    )
    assert shown.startswith("storages.backends.s3.S3Storage")
    for pair in [
        "('bucket_name', 'glans-media')",
        "('default_acl', 'private')",
        "('querystring_auth', 'True')",
        "('endpoint_url', 'https://s3.example.org')",
        "('addressing_style', 'path')",
        "('file_overwrite', 'False')",
    ]:
        assert pair in shown
    assert shown.endswith("serve_view")
    assert "FileSystemStorage" in show_production({}, "settings.STORAGES['default']['BACKEND']")
    result = load_production({**options, "GLANS_S3_ADDRESSING_STYLE": "sideways"})
    assert "GLANS_S3_ADDRESSING_STYLE" in result.stderr


def test_database_pool_replaces_persistent_connections():
    shown = show_production(
        {"DATABASE_POOL": "true", "DATABASE_POOL_MAX": "6"},
        "settings.DATABASES['default']['OPTIONS']['pool'], settings.DATABASES['default']['CONN_MAX_AGE']",
    )
    assert shown == "{'min_size': 1, 'max_size': 6, 'timeout': 10} 0"


def test_one_beat_in_a_cluster_holds_a_lock():
    shown = show_production(
        {"CELERY_BROKER_URL": "redis://broker.example.org:6379/0"},
        "settings.CELERY_BEAT_SCHEDULER, settings.CELERY_REDBEAT_REDIS_URL",
    )
    assert shown == "redbeat.RedBeatScheduler redis://broker.example.org:6379/0"


def test_behind_pgbouncer_no_server_side_cursors():
    shown = show_production(
        {"DATABASE_PGBOUNCER": "true"},
        "settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']",
    )
    assert shown == "True"
