"""The production settings as the two-node test runs them (tests/integration/test_two_nodes.py):
everything from the environment as in production, and only what plain HTTP on loopback needs
changed: cookies without Secure (the test's client talks http), static files from the apps
(no collectstatic), a fast password hasher and mail written to files the test reads."""

from glans_site.settings.env import env_int, env_str
from glans_site.settings.production import *  # noqa: F403
from glans_site.settings.production import STORAGES

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env_str("GLANS_TEST_MAIL_DIR", "/nonexistent")
# The test's own keys in the shared Redis, and a beat lock that expires in seconds.
CELERY_REDBEAT_KEY_PREFIX = env_str("CELERY_REDBEAT_KEY_PREFIX", "redbeat:")
CELERY_REDBEAT_LOCK_TIMEOUT = env_int("CELERY_REDBEAT_LOCK_TIMEOUT", 60)
CELERY_BEAT_MAX_LOOP_INTERVAL = env_int("CELERY_BEAT_MAX_LOOP_INTERVAL", 300)
