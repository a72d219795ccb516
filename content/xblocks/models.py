"""Learner state of exercise blocks, and the events they publish (learning records).

Authored content and settings are never stored here: they come from the lesson's live
revision on every request. Only the four learner scopes are persisted, one row per
(scope, key, user) holding that scope's fields as JSON:
- user_state: key = usage id, user set;
- user_state_summary: key = usage id, no user (shared by all learners, e.g. poll tallies);
- preferences: key = block type, user set;
- user_info: key = "" (all blocks), user set.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class XBlockState(models.Model):
    class Scope(models.TextChoices):
        USER_STATE = "user_state", _("Leerlingstatus")
        USER_STATE_SUMMARY = "user_state_summary", _("Samenvatting van alle lerenden")
        PREFERENCES = "preferences", _("Voorkeuren")
        USER_INFO = "user_info", _("Gebruikersgegevens")

    scope = models.CharField(_("bereik"), max_length=24, choices=Scope.choices)
    key = models.CharField(_("sleutel"), max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="glans_xblock_states",
    )
    state = models.JSONField(_("velden"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("oefeningstatus")
        verbose_name_plural = _("oefeningstatussen")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "user"],
                condition=Q(user__isnull=False),
                name="one_xblock_state_per_user",
            ),
            models.UniqueConstraint(
                fields=["scope", "key"],
                condition=Q(user__isnull=True),
                name="one_shared_xblock_state",
            ),
        ]
        indexes = [models.Index(fields=["user", "key"], name="glans_xblock_user_key")]

    def __str__(self):
        return f"{self.scope} {self.key} ({self.user_id})"


class LearningRecord(models.Model):
    """An event an exercise published (xAPI-like): who, which exercise, what, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_learning_records"
    )
    usage_id = models.CharField(_("oefening"), max_length=120)
    block_type = models.CharField(_("type"), max_length=100)
    event_type = models.CharField(_("gebeurtenis"), max_length=100)
    data = models.JSONField(_("gegevens"), default=dict, blank=True)
    # False when the event was relayed from the browser (e.g. a block's `publish_event`
    # handler): it is kept, but it never changes grades or progress.
    trusted = models.BooleanField(_("door de oefening zelf"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leerregistratie")
        verbose_name_plural = _("leerregistraties")
        indexes = [models.Index(fields=["user", "usage_id"], name="glans_record_user_usage")]

    def __str__(self):
        return f"{self.event_type} {self.usage_id} ({self.user_id})"
