"""Production: every required setting comes from the environment, or start-up stops."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, INSTALLED_APPS
from .env import (
    cache_from_env,
    env_bool,
    env_int,
    env_list,
    env_str,
    media_storage_from_env,
)

DEBUG = False
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "glans_site.demo"]
SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured(
        "Environment variable DJANGO_SECRET_KEY must be a random string of at least 50 characters."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", required=True)
env_str("DATABASE_URL", required=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Redirect and callback addresses given to identity providers (docs/sso.md).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("GLANS_SSO_HTTP_PROTOCOL", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# HSTS preload is a decision of whoever owns the domain (it binds every subdomain and is slow
# to undo), so it is opt-in; without it the deploy check's reminder is silenced on purpose.
# See docs/security.md.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers probe /health/live and /health/ready over plain HTTP, often with a node's
# address as Host: glans_learning.core.health.HealthCheckMiddleware answers them before the
# SSL redirect and the host check (docs/deploy.md).
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", required=True)

# More than one node (docs/deploy.md): what one process kept to itself is shared.
# The cache (the import's progress, the API-key limiter, Wagtail's caches) lives in Redis;
# without DJANGO_CACHE_URL every process has its own memory, which is right for ONE process only.
CACHES = cache_from_env()
# Media (handbook attachments, trainer-kit documents, uploaded images) in S3-compatible object
# storage when GLANS_S3_BUCKET is set, else on this node's disk (MEDIA_ROOT). Objects are
# private; every download streams through a permission-checked view (docs/deploy.md).
STORAGES = {
    "default": media_storage_from_env(),
    "staticfiles": {"BACKEND": "glans_site.staticfiles.StaticFilesStorage"},
}
# Wagtail documents: always through Wagtail's view (collection privacy, serve hooks), never a
# redirect to the storage's address.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# One `celery beat` in a cluster: RedBeat keeps the schedule in Redis under a lock, so a second
# beat (a redeploy, a mistake) waits instead of sending every task twice.
CELERY_BEAT_SCHEDULER = env_str("CELERY_BEAT_SCHEDULER", "redbeat.RedBeatScheduler")
CELERY_REDBEAT_REDIS_URL = env_str("CELERY_REDBEAT_REDIS_URL", CELERY_BROKER_URL)
CELERY_REDBEAT_LOCK_TIMEOUT = env_int("CELERY_REDBEAT_LOCK_TIMEOUT", 60)
