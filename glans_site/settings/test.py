from .base import *  # noqa: F403
from .env import env_str

DEBUG = False
# One process: the course tree's copy is on, so the tests and the benchmark go through it.
GLANS_COURSE_TREE_CACHE = True
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A Celery worker started by the fault tests and the soak run writes its mail to files there,
# so the test counts what left (tests/faults/harness.py).
if env_str("GLANS_TEST_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("GLANS_TEST_MAIL_DIR")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps and STATICFILES_DIRS without collectstatic (the browser
# tests need the stylesheet; a fresh clone has no STATIC_ROOT).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
