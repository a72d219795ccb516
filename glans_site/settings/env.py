"""Reading settings from the environment, with errors that name the variable."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value.strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name} must be a boolean (true/false), got {value!r}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be an integer, got {value!r}."
        ) from exc


def env_list(name: str, default: list[str] | None = None, *, required: bool = False) -> list[str]:
    value = env_str(name, required=required)
    if value is None:
        return list(default or [])
    items = [item.strip() for item in value.split(",") if item.strip()]
    if required and not items:
        raise ImproperlyConfigured(f"Environment variable {name} must list at least one value.")
    return items


def database_from_env(default_sqlite_path) -> dict:
    import dj_database_url

    url = env_str("DATABASE_URL")
    if url is None:
        return _sqlite_options(
            {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
        )
    max_age = env_int("DATABASE_CONN_MAX_AGE", 60)
    pool = env_bool("DATABASE_POOL", False)
    try:
        # Health checks: a connection the database dropped (a restart) is replaced at the
        # next request instead of failing every request of that process.
        config = dj_database_url.parse(
            url, conn_max_age=0 if pool else max_age, conn_health_checks=not pool
        )
    except Exception as exc:  # dj_database_url raises several types
        raise ImproperlyConfigured(
            f"Environment variable DATABASE_URL is malformed: {exc}"
        ) from exc
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(
            "Environment variable DATABASE_URL names an unknown database scheme."
        )
    if pool and "postgresql" in config["ENGINE"]:
        # psycopg 3's pool inside each process (Django 5.2): DATABASE_POOL_MIN..MAX connections
        # per gunicorn worker; persistent connections (CONN_MAX_AGE) must then be off.
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 1),
            "max_size": env_int("DATABASE_POOL_MAX", 4),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
    if env_bool("DATABASE_PGBOUNCER", False):
        # PgBouncer in transaction mode hands each transaction its own server connection: a
        # server-side cursor (QuerySet.iterator()) would not survive between them.
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return _sqlite_options(config)


def cache_from_env() -> dict:
    """DJANGO_CACHE_URL (redis://host:port/db, rediss:// for TLS): Django's own Redis cache,
    shared by every web node and worker. Unset: this process's memory (one process only)."""
    url = env_str("DJANGO_CACHE_URL")
    if url is None:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "Environment variable DJANGO_CACHE_URL must be a redis:// or rediss:// address."
        )
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": env_str("DJANGO_CACHE_KEY_PREFIX", "glans"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


def media_storage_from_env() -> dict:
    """GLANS_S3_BUCKET set: S3-compatible object storage (django-storages), private objects
    that are never handed out by address (querystring_auth stays on, so even a leaked key of
    an object is no download). Unset: MEDIA_ROOT on this node's disk (one node only)."""
    bucket = env_str("GLANS_S3_BUCKET")
    if bucket is None:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    style = env_str("GLANS_S3_ADDRESSING_STYLE", "auto")
    if style not in {"auto", "path", "virtual"}:
        raise ImproperlyConfigured(
            "Environment variable GLANS_S3_ADDRESSING_STYLE must be auto, path or virtual."
        )
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("GLANS_S3_ENDPOINT_URL"),
            "region_name": env_str("GLANS_S3_REGION"),
            "access_key": env_str("GLANS_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("GLANS_S3_SECRET_ACCESS_KEY"),
            "addressing_style": None if style == "auto" else style,
            "location": env_str("GLANS_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("GLANS_S3_URL_SECONDS", 60),
            "file_overwrite": False,
            "client_config": Config(
                connect_timeout=3,
                read_timeout=30,
                retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": None if style == "auto" else style},
                signature_version="s3v4",
            ),
        },
    }


def _sqlite_options(config: dict) -> dict:
    """SQLite: write transactions take the lock when they start (IMMEDIATE) and wait for it
    (timeout, seconds) instead of failing with "database is locked" when two requests, such
    as concurrent exercise handler calls, write at once."""
    if config.get("ENGINE", "").endswith("sqlite3"):
        options = config.setdefault("OPTIONS", {})
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", env_int("SQLITE_TIMEOUT", 20))
    return config
