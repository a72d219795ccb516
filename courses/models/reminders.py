"""Reminder e-mails: the learner's preference and when to send (settings). What was sent:
glans_core.SentNotification (core/notifications.py)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class LearnerPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_preference"
    )
    reminders_enabled = models.BooleanField(_("herinneringen per e-mail"), default=True)
    # The secret of the learner's personal iCal feed (random, unique; a reset replaces it, so
    # the old address stops working). Empty: no feed.
    calendar_token = models.CharField(max_length=64, blank=True, default="", db_index=True)

    def __str__(self):
        return str(self.user_id)


@register_setting(icon="mail")
class ReminderSettings(BaseGenericSetting):
    """When learners get reminder e-mails (data, editable in the admin)."""

    stall_days = models.PositiveSmallIntegerField(
        _("dagen zonder voortgang"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("Na zoveel dagen zonder voortgang krijgt een lerende een herinnering."),
    )
    session_days_before = models.PositiveSmallIntegerField(
        _("dagen voor een bijeenkomst"),
        default=2,
        help_text=_("Zoveel dagen van tevoren krijgen aangemelde deelnemers een herinnering."),
    )

    class Meta:
        verbose_name = _("herinneringen")
