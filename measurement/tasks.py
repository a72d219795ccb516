"""Background work: reminders once per moment per teacher, and retention. Idempotent."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from glans_learning.organisations.models import Membership

from . import services
from .models import MeasurementMoment, Relationship, ReminderLog


@shared_task
def send_measurement_reminders() -> int:
    """Remind each teacher with unrated relationships in an open moment, once per moment.
    The e-mail names the group and the moment only: never codes or labels."""
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
        already = set(ReminderLog.objects.filter(moment=moment).values_list("user_id", flat=True))
        teachers = (
            Membership.objects.current()
            .filter(unit_id=moment.unit_id, groups__in=unrated_groups)
            .exclude(user_id__in=already)
            .select_related("user")
            .distinct()
        )
        for membership in teachers:
            user = membership.user
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(moment=moment, user=user)
            except IntegrityError:
                continue
            if user.email:
                with translation.override(settings.LANGUAGE_CODE):
                    send_mail(
                        _("Herinnering: meetmoment oudervolgsysteem"),
                        _(
                            "Het meetmoment van %(date)s staat open tot en met %(until)s. Nog niet al je ouderrelaties zijn gewaardeerd."
                        )
                        % {
                            "date": moment.date.strftime("%d-%m-%Y"),
                            "until": moment.closes_on.strftime("%d-%m-%Y"),
                        },
                        settings.DEFAULT_FROM_EMAIL,
                        [user.email],
                    )
            sent += 1
    return sent


@shared_task
def apply_measurement_retention() -> int:
    return services.retention_apply()


@shared_task
def run_import_job(job_id: int) -> None:
    """A big group list, imported in the background (imports.import_job_run)."""
    from .imports import import_job_run

    import_job_run(job_id=job_id)


@shared_task
def plan_appreciation_weeks() -> int:
    """Monday (Celery beat): start the 3-op-1 week of every opted-in teacher and, for who
    chose e-mail, enqueue the nudge. Idempotent: once per teacher per week."""
    from glans_learning.core.tasks import enqueue

    from .models import AppreciationChannel, AppreciationWeek

    week_ids = services.appreciation_weeks_plan()
    for week in AppreciationWeek.objects.filter(
        pk__in=week_ids, teacher__glans_appreciation__channel=AppreciationChannel.MAIL
    ):
        enqueue(send_appreciation_nudge, week.pk)
    return len(week_ids)


@shared_task
def send_appreciation_nudge(week_id: int) -> bool:
    """The 3-op-1 nudge by e-mail, at most once per teacher and week (the courses app's
    once-only ReminderLog). It names no family: the codes are in the grid."""
    from glans_learning.courses.tasks import _send_reminder_once

    from .models import AppreciationWeek

    week = AppreciationWeek.objects.select_related("teacher").filter(pk=week_id).first()
    if week is None:
        return False
    return _send_reminder_once(
        user=week.teacher,
        kind="appreciation",
        key=f"week:{week.week.isoformat()}",
        template="glans_measurement/email/appreciation_week",
        context={"week": week, "base_url": settings.GLANS_PUBLIC_BASE_URL},
    )
