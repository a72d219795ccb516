"""Settings shared by every environment. Everything that varies comes from the environment."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from .env import database_from_env, env_bool, env_int, env_list, env_str

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(env_str("GLANS_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The GLANS plugin: these apps (plus `rules`) are what a host Wagtail site adds.
GLANS_APPS = [
    "glans_learning.core",
    "glans_learning.organisations",
    "glans_learning.content",
    "glans_learning.courses",
    "glans_learning.credentials",
    "glans_learning.measurement",
    "glans_learning.certification",
    # The LTI 1.3 tool (the `lti` extra): django-lti's models, then the GLANS tool.
    "lti_tool",
    "glans_learning.lti",
    # Single sign-on (the `sso` extra, docs/sso.md): allauth's OpenID Connect and SAML
    # providers; the GLANS app configures them per board or school.
    "glans_learning.sso",
]

INSTALLED_APPS = [
    *GLANS_APPS,
    "glans_site.demo",
    "rules.apps.AutodiscoverRulesConfig",
    # Login protection and two-factor authentication (see docs/security.md).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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

MIDDLEWARE = [
    # /health/live and /health/ready for load balancers: first, before the host check and the
    # SSL redirect (docs/deploy.md).
    "glans_learning.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A database restart or a full disk: a translated 503 "try again" (and JSON for the API).
    "glans_learning.core.middleware.UnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL bytes and lone surrogates in forms and query strings become U+FFFD (as in the API).
    "glans_learning.core.middleware.StorableInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "glans_learning.core.middleware.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # django-allauth (single sign-on, docs/sso.md).
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (django-csp; glans_learning.core.csp adds 'unsafe-eval' only on
    # pages with an exercise that needs it). See docs/security.md.
    "glans_learning.core.csp.CSPMiddleware",
    # After X-Frame-Options: a session launched from an LTI platform may be framed by it alone.
    "glans_learning.lti.frames.LtiFrameMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "glans_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "glans_site.wsgi.application"

DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Username or e-mail address, any case (a ModelBackend otherwise).
    "glans_learning.core.auth_backends.UsernameOrEmailBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: after GLANS_LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked out for GLANS_LOGIN_COOLOFF_MINUTES (or until a platform
# admin unlocks it in the admin: Organisaties → Geblokkeerde aanmeldingen). The address is
# REMOTE_ADDR: behind a reverse proxy, let the proxy/app server set it to the client's.
AXES_FAILURE_LIMIT = env_int("GLANS_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GLANS_LOGIN_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "glans_learning.core.views.login_locked_out"
# The username or address as typed, mapped to the account: one failure budget per account.
AXES_USERNAME_CALLABLE = "glans_learning.core.auth_backends.axes_username"
AXES_ENABLE_ADMIN = False  # unlocking happens in the Wagtail admin
AXES_VERBOSE = False

# Personal API keys: wrong keys per client address before 429, and the window in seconds.
GLANS_API_KEY_FAILURE_LIMIT = env_int("GLANS_API_KEY_FAILURE_LIMIT", 20)
GLANS_API_KEY_FAILURE_WINDOW = env_int("GLANS_API_KEY_FAILURE_WINDOW", 300)

# Two-factor authentication (django-otp): required in the admin for platform admins and
# auditors, optional for everybody else (profile page).
OTP_TOTP_ISSUER = env_str("GLANS_OTP_ISSUER", "GLANS")
GLANS_EMAIL_CHANGE_MAX_AGE = env_int("GLANS_EMAIL_CHANGE_MAX_AGE", 60 * 60 * 24)
# How long an invitation's set-password link stays valid (seconds); re-send for a new one.
GLANS_INVITATION_MAX_AGE = env_int("GLANS_INVITATION_MAX_AGE", 60 * 60 * 24 * 14)

# Single sign-on (docs/sso.md). Providers are configured in the admin; allauth only runs the
# protocols. Logins go through the GLANS adapter (linking rules, pending memberships); no
# allauth signup form, no e-mail verification of its own (the provider vouches or nobody).
SOCIALACCOUNT_ADAPTER = "glans_learning.sso.adapter.GlansSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# The login buttons are links (GET): a form posted here and redirected to the provider would
# need the provider's address in the CSP's form-action on every page. allauth's state
# parameter (and PKCE for OpenID Connect) still ties the answer to this browser.
SOCIALACCOUNT_LOGIN_ON_GET = True
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("GLANS_SSO_TIMEOUT_SECONDS", 10)
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("GLANS_SSO_HTTP_PROTOCOL", "http")  # production: https
# Roles that need two factors may count the provider's MFA (amr/acr, SAML AuthnContext) when
# the site opts in here and the provider's own setting says so too.
GLANS_SSO_ACCEPT_PROVIDER_MFA = env_bool("GLANS_SSO_ACCEPT_PROVIDER_MFA", False)
# The SAML service provider's own key and certificate (PEM files), for IdPs that want signed
# requests (Entree Federatie: a self-signed SHA-256 certificate in our metadata).
GLANS_SSO_SAML_SP_KEY_FILE = env_str("GLANS_SSO_SAML_SP_KEY_FILE")
GLANS_SSO_SAML_SP_CERT_FILE = env_str("GLANS_SSO_SAML_SP_CERT_FILE")

LOGIN_URL = "glans_accounts:login"
LOGIN_REDIRECT_URL = "glans_accounts:profile"
LOGOUT_REDIRECT_URL = "/"
# After the identity provider's single logout (SAML LogoutResponse): back to the login page.
ACCOUNT_LOGOUT_REDIRECT_URL = LOGIN_URL

# Dutch first, English second.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
WAGTAIL_CONTENT_LANGUAGES = [("nl", _("Nederlands"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True


def _user_time_zones(server_zone: str) -> list[str]:
    """The time zones Wagtail's account settings (/admin/account/) offer: the canonical
    Area/Location names of the time zone database (zone.tab, from the `tzdata` package, so
    the same list whatever the host has installed) that `zoneinfo` can load, plus UTC and the
    server's zone. Not every name `zoneinfo.available_timezones()` finds on Debian
    ('localtime', 'Factory', 'posixrules', legacy aliases): browsers and PostgreSQL refuse
    some of those, and the account page then failed (issue #25)."""
    import zoneinfo
    from importlib.resources import files

    table = files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    names = {server_zone, "UTC"}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            names.add(line.split("\t")[2])
    valid = set()
    for name in names:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        valid.add(name)
    return sorted(valid)


WAGTAIL_USER_TIME_ZONES = _user_time_zones(TIME_ZONE)

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Public resources of the allow-listed XBlocks (GLANS_XBLOCK_TYPES).
    "glans_learning.content.xblocks.finders.XBlockResourceFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# E-mail: console unless SMTP is configured.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "GLANS <noreply@glans.invalid>")

# Celery: eager without a broker, real workers and beat with one.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died unacknowledged is delivered again after this many seconds (Redis);
# keep it above the longest task (an import), tasks are idempotent either way.
# A worker looks for such tasks every INTERVAL seconds, but scans Redis only on every THROTTLE-th
# look (kombu's defaults, 10 and 10: a lost task can wait up to ~100 s beyond the timeout).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "glans-lti-forget-nonces": {
        "task": "glans_learning.lti.tasks.forget_nonces",
        "schedule": 60 * 60 * 6,
    },
    "glans-reminders": {
        "task": "glans_learning.courses.tasks.send_reminders",
        "schedule": 60 * 60 * 6,
    },
    "glans-measurement-reminders": {
        "task": "glans_learning.measurement.tasks.send_measurement_reminders",
        "schedule": 60 * 60 * 6,
    },
    "glans-measurement-retention": {
        "task": "glans_learning.measurement.tasks.apply_measurement_retention",
        "schedule": 60 * 60 * 24,
    },
    "glans-measurement-tallies": {
        "task": "glans_learning.measurement.tasks.rebuild_measurement_tallies",
        "schedule": 60 * 60 * 24,
    },
    "glans-certification-reminders": {
        "task": "glans_learning.certification.tasks.send_certification_reminders",
        "schedule": 60 * 60 * 24,
    },
    "glans-erase-inactive-people": {
        "task": "glans_learning.organisations.tasks.erase_inactive_people",
        "schedule": 60 * 60 * 24,
    },
    "glans-outbox-drain": {
        "task": "glans_learning.core.tasks.drain_outbox",
        "schedule": env_int("GLANS_OUTBOX_DRAIN_SECONDS", 60),
    },
    "glans-appreciation-weeks": {
        # The 3-op-1 week: Monday morning (idempotent: once per teacher per week).
        "task": "glans_learning.measurement.tasks.plan_appreciation_weeks",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
    "glans-pending-confirmations": {
        "task": "glans_learning.courses.tasks.send_pending_confirmations",
        "schedule": 60 * 60,
    },
}
# Each process keeps the live course tree's rows (courses/selectors/tree_cache.py,
# docs/performance.md). Unset: on when the cache is shared by every process (DJANGO_CACHE_URL),
# off with this process's own memory; true/false to choose.
GLANS_COURSE_TREE_CACHE = env_bool("GLANS_COURSE_TREE_CACHE", None)
# The garbage collector of a worker (glans_learning/warmup.py, docs/performance.md): after the
# warm-up, what the worker has loaded is frozen out of collections and a collection of young
# objects starts after this many (Python's default is 700, which a single page passes).
# Three numbers as for gc.set_threshold; "off" leaves Python's defaults and freezes nothing.
GLANS_GC_THRESHOLDS = env_list("GLANS_GC_THRESHOLDS", ["50000", "10", "10"])
# The outbox of background work (docs/operations.md): a pending row older than this many
# minutes is a backlog that is not draining (system check glans_core.W002, admin home).
GLANS_OUTBOX_ALERT_MINUTES = env_int("GLANS_OUTBOX_ALERT_MINUTES", 15)
GLANS_OUTBOX_KEEP_DAYS = env_int("GLANS_OUTBOX_KEEP_DAYS", 7)
# Oudervolgsysteem: the key of the family pseudonyms (HMAC) and how long data is kept after
# a family's last school year. Without GLANS_PSEUDONYM_KEY a key is derived from SECRET_KEY.
GLANS_PSEUDONYM_KEY = env_str("GLANS_PSEUDONYM_KEY")
GLANS_MEASUREMENT_RETENTION_YEARS = env_int("GLANS_MEASUREMENT_RETENTION_YEARS", 2)
# The group-list import (CSV/XLSX/EDEXML): bigger files are refused before they are read.
GLANS_MEASUREMENT_IMPORT_MAX_BYTES = env_int("GLANS_MEASUREMENT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
GLANS_MEASUREMENT_IMPORT_MAX_ROWS = env_int("GLANS_MEASUREMENT_IMPORT_MAX_ROWS", 20000)
# Outside the school (board, academy, API, exports) a cell with fewer relationships or fewer
# ratings than this is not shown.
GLANS_MEASUREMENT_MIN_CELL = env_int("GLANS_MEASUREMENT_MIN_CELL", 5)
# AVG: accounts without a login for this many years are anonymised (0 = never).
GLANS_ERASE_INACTIVE_AFTER_YEARS = env_int("GLANS_ERASE_INACTIVE_AFTER_YEARS", 5)

# Wagtail's own background tasks (django-tasks): immediate by default.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Content-Security-Policy (django-csp 4; docs/security.md): scripts only from this site and
# inline ones carrying the response's nonce; styles from this site plus inline styles (the
# Wagtail admin, Swagger UI and the exercises set style attributes); images also as data:
# URIs (Swagger UI, the admin's icons). glans_learning.core.csp.CSPMiddleware adds
# 'unsafe-eval' only on a page with an exercise whose JavaScript compiles templates
# (xblock-poll's Handlebars), and gives the Wagtail admin 'unsafe-inline' scripts (its own
# inline scripts carry no nonce).
from csp.constants import NONCE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

WAGTAIL_SITE_NAME = "GLANS"
# No avatars from gravatar.com: the admin would send a hash of every e-mail address there.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No update check either: the admin's dashboard would ask releases.wagtail.org from every
# editor's browser (a third-party call); upgrades are the operator's business.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The address links in mails, PDFs and credentials point at when there is no request (the
# demo's `make demo PORT=8080` passes PORT through, so links follow the port it serves on).
WAGTAILADMIN_BASE_URL = env_str(
    "WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{env_str('PORT', '8000') or '8000'}"
)
# Credentials (docs/credentials.md): the public address in certificates and badges, the
# issuer's name, and the Learning Record Store statements are forwarded to (optional).
GLANS_PUBLIC_BASE_URL = env_str("GLANS_PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL)
GLANS_CREDENTIAL_ISSUER_NAME = env_str("GLANS_CREDENTIAL_ISSUER_NAME", "Glans Academie")
GLANS_LRS_ENDPOINT = env_str("GLANS_LRS_ENDPOINT")
GLANS_LRS_KEY = env_str("GLANS_LRS_KEY")
GLANS_LRS_SECRET = env_str("GLANS_LRS_SECRET")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "html"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": env_str("GLANS_WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}
