"""Background work: reminders once per moment per teacher, and retention. Idempotent."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from glans_learning.core.notifications import notification_key, notify_once, sent_keys_starting
from glans_learning.core.tasks import TRANSIENT_ERRORS, enqueue
from glans_learning.core.templatetags.glans_core_tags import moment as human_date
from glans_learning.organisations.models import Membership

from . import services
from .imports import import_job_run
from .models import AppreciationChannel, AppreciationWeek, MeasurementMoment, Relationship

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
def rebuild_measurement_tallies(unit_ids: list[int] | None = None) -> int:
    """Nightly (Celery beat) safety net: recount every tally (RatingTally) of `unit_ids`
    (None: the nation) from the ratings. Idempotent: a rerun recounts the same numbers."""
    return services.tallies_rebuild(unit_ids=unit_ids)


@shared_task
def run_import_job(job_id: int) -> None:
    """A big group list, imported in the background (imports.import_job_run)."""
    import_job_run(job_id=job_id)


@shared_task
def plan_appreciation_weeks() -> int:
    """Monday (Celery beat): start the 3-op-1 week of every opted-in teacher and, for who
    chose e-mail, enqueue the nudge. Idempotent: once per teacher per week."""

    week_ids = services.appreciation_weeks_plan()
    for week in AppreciationWeek.objects.filter(
        pk__in=week_ids, teacher__glans_appreciation__channel=AppreciationChannel.MAIL
    ):
        enqueue(send_appreciation_nudge, week.pk)
    return len(week_ids)


@shared_task
def send_appreciation_nudge(week_id: int) -> bool:
    """The 3-op-1 nudge by e-mail, at most once per teacher and week (the once-only
    notification service). It names no family: the codes are in the grid."""

    week = AppreciationWeek.objects.select_related("teacher").filter(pk=week_id).first()
    if week is None or not week.teacher.email:
        return False
    user = week.teacher
    template = "glans_measurement/email/appreciation_week"
    context = {"week": week, "base_url": settings.GLANS_PUBLIC_BASE_URL}

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            body = render_to_string(f"{template}.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])

    return notify_once(
        key=notification_key("measurement", "appreciation", user.pk, week.week.isoformat()),
        kind="measurement-appreciation",
        user=user,
        send=send,
    )
