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
    try:
        # Health checks: a connection the database dropped (a restart) is replaced at the
        # next request instead of failing every request of that process.
        config = dj_database_url.parse(
            url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    except Exception as exc:  # dj_database_url raises several types
        raise ImproperlyConfigured(
            f"Environment variable DATABASE_URL is malformed: {exc}"
        ) from exc
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(
            "Environment variable DATABASE_URL names an unknown database scheme."
        )
    return _sqlite_options(config)


def _sqlite_options(config: dict) -> dict:
    """SQLite: write transactions take the lock when they start (IMMEDIATE) and wait for it
    (timeout, seconds) instead of failing with "database is locked" when two requests, such
    as concurrent exercise handler calls, write at once."""
    if config.get("ENGINE", "").endswith("sqlite3"):
        options = config.setdefault("OPTIONS", {})
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", env_int("SQLITE_TIMEOUT", 20))
    return config
