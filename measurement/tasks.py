"""Background work: reminders once per moment per teacher, and retention. Idempotent."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from glans_learning.core.notifications import notification_key, notify_once, sent_keys_starting
from glans_learning.core.tasks import TRANSIENT_ERRORS
from glans_learning.core.templatetags.glans_core_tags import moment as human_date
from glans_learning.organisations.models import Membership

from . import services
from .imports import import_job_run
from .models import MeasurementMoment, Relationship

logger = logging.getLogger(__name__)
KIND = "moment"


def reminder_key(*, moment_id: int, user_id: int) -> str:
    """The once-only notification key of one teacher's reminder of one moment."""
    return notification_key("measurement", KIND, moment_id, user_id)


@shared_task
def send_measurement_reminders() -> int:
    """Remind each teacher with unrated relationships in an open moment, once per moment.
    The e-mail names the group and the moment only: never codes or labels. Once per moment
    and teacher through the once-only notification service (key
    ``measurement:moment:<moment id>:<user id>``); a mail that failed is sent by the next run;
    a teacher without an e-mail address is not recorded."""
    today = timezone.localdate()
    sent = 0
    for moment in MeasurementMoment.objects.filter(opens_on__lte=today, closes_on__gte=today):
        rated = moment.ratings.values_list("relationship_id", flat=True)
        unrated_groups = set(
            Relationship.objects.filter(
                unit_id=moment.unit_id, school_year_id=moment.school_year_id, is_active=True
            )
            .exclude(pk__in=rated)
            .values_list("group_id", flat=True)
        )
        already = sent_keys_starting(notification_key("measurement", KIND, moment.pk, ""))
        teachers = (
            Membership.objects.current()
            .filter(unit_id=moment.unit_id, groups__in=unrated_groups)
            .exclude(user__email="")
            .select_related("user")
            .distinct()
        )
        for membership in teachers:
            user = membership.user
            key = reminder_key(moment_id=moment.pk, user_id=user.pk)
            if key in already:
                continue

            def send(user=user, moment=moment):
                with translation.override(settings.LANGUAGE_CODE):
                    send_mail(
                        _("Herinnering: meetmoment oudervolgsysteem"),
                        _(
                            "Het meetmoment van %(date)s staat open tot en met %(until)s. Nog niet al je ouderrelaties zijn gewaardeerd."
                        )
                        % {
                            "date": human_date(moment.date),
                            "until": human_date(moment.closes_on),
                        },
                        settings.DEFAULT_FROM_EMAIL,
                        [user.email],
                    )

            try:
                if notify_once(key=key, kind="measurement-moment", user=user, send=send):
                    sent += 1
                    already.add(key)
            except TRANSIENT_ERRORS:
                logger.warning("Measurement reminder %s not sent; next run.", key, exc_info=True)
    return sent


@shared_task
def apply_measurement_retention() -> int:
    return services.retention_apply()


@shared_task
def run_import_job(job_id: int) -> None:
    """A big group list, imported in the background (imports.import_job_run)."""
    import_job_run(job_id=job_id)
