"""System checks for a host site (run by `manage.py check` and at startup)."""

from django.core.checks import Warning, register
from django.utils.translation import gettext_lazy as _

from .tasks import broker_configured, runs_eagerly


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
