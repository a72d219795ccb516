"""System checks for a host site (run by `manage.py check` and at startup)."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from .tasks import broker_configured, outbox_backlog, runs_eagerly


@register()
def check_celery_broker(app_configs=None, **kwargs):
    """W001: no broker and no eager mode. The plugin still works (tasks run in the web process
    after each commit), but mails are sent during the request and reminders never run."""
    if broker_configured() or runs_eagerly():
        return []
    return [
        Warning(
            _(
                "GLANS: er is geen Celery-broker ingesteld. Achtergrondtaken (bevestigingsmails) "
                "lopen daarom in het webproces na elke opslag, en herinneringen worden niet "
                "verstuurd."
            ),
            hint=_(
                'Zet CELERY_BROKER_URL (bijvoorbeeld "redis://localhost:6379/0", met de extra '
                "glans-learning[redis]) en start een Celery-worker en -beat; of zet "
                "CELERY_TASK_ALWAYS_EAGER = True om taken bewust in het webproces te laten lopen."
            ),
            id="glans_core.W001",
        )
    ]


@register(Tags.database)
def check_outbox_backlog(app_configs=None, databases=None, **kwargs):
    """W002: background work waiting in the outbox longer than GLANS_OUTBOX_ALERT_MINUTES
    (the broker or the beat is down). A database check: ``manage.py check --database default``
    (and ``migrate``) run it; the admin home shows the same to platform admins."""
    if not databases:
        return []
    try:
        backlog = outbox_backlog()
    except DatabaseError:  # not migrated yet
        return []
    if not backlog["stale"]:
        return []
    return [
        Warning(
            _(
                "GLANS: %(stale)s achtergrondtaken wachten al langer dan %(minutes)s minuten in "
                "de outbox (de oudste %(age)s minuten)."
            )
            % {
                "stale": backlog["stale"],
                "minutes": backlog["minutes"],
                "age": backlog["oldest_age_minutes"],
            },
            hint=_(
                "Controleer of de Celery-broker (Redis), de worker en beat draaien; "
                "manage.py glans_outbox_drain verstuurt de wachtende taken (docs/operations.md)."
            ),
            id="glans_core.W002",
        )
    ]


REQUIRED_APPS = {
    "rules": "rules.apps.AutodiscoverRulesConfig",
    "wagtail.contrib.settings": "wagtail.contrib.settings",
}
RULES_BACKEND = "rules.permissions.ObjectPermissionBackend"


@register()
def check_host_setup(app_configs=None, **kwargs):
    """E001/E002: what the plugin cannot work without (docs/install.md)."""
    errors = [
        Error(
            _("GLANS heeft de app %(app)s nodig.") % {"app": name},
            hint=_(
                'Voeg "%(entry)s" toe aan INSTALLED_APPS als die er nog niet in staat (twee keer '
                "dezelfde app geeft de fout 'Application labels aren't unique')."
            )
            % {"entry": entry},
            id="glans_core.E001",
        )
        for name, entry in REQUIRED_APPS.items()
        if not apps.is_installed(name)
    ]
    if RULES_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        errors.append(
            Error(
                _("GLANS beslist over rechten met django-rules, maar die backend ontbreekt."),
                hint=_('Zet "%(backend)s" vóór ModelBackend in AUTHENTICATION_BACKENDS.')
                % {"backend": RULES_BACKEND},
                id="glans_core.E002",
            )
        )
    return errors


@register()
def check_frontend_login_url(app_configs=None, **kwargs):
    """W003: WAGTAIL_FRONTEND_LOGIN_URL is not set, so anonymous visitors of the login-only
    programme pages land on Wagtail's bare /_util/login/ page instead of the plugin's."""

    if getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None):
        return []
    return [
        Warning(
            _(
                "GLANS: WAGTAIL_FRONTEND_LOGIN_URL is niet ingesteld; wie zonder in te loggen "
                "een programma opent, komt op de kale inlogpagina van Wagtail."
            ),
            hint=_('Zet WAGTAIL_FRONTEND_LOGIN_URL = "glans_accounts:login".'),
            id="glans_core.W003",
        )
    ]


@register()
def check_gc_thresholds(app_configs=None, **kwargs):
    """E003: GLANS_GC_THRESHOLDS is not one to three whole numbers or "off" (the warm-up
    would leave the garbage collector at Python's defaults)."""
    from glans_learning.warmup import gc_thresholds  # noqa: PLC0415 - the warm-up's own reading

    try:
        gc_thresholds()
    except ValueError:
        return [
            Error(
                _("GLANS: GLANS_GC_THRESHOLDS is ongeldig: %(value)r.")
                % {"value": getattr(settings, "GLANS_GC_THRESHOLDS", None)},
                hint=_(
                    'Geef één tot drie hele getallen, zoals "50000,10,10" (het eerste minstens '
                    '1), of "off" om de standaardinstelling van Python te houden.'
                ),
                id="glans_core.E003",
            )
        ]
    return []
