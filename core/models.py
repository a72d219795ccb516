"""The plugin shell's own data: personal API tokens, account invitations and the outbox of
background work."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persoon"),
        on_delete=models.CASCADE,
        related_name="glans_api_tokens",
    )
    name = models.CharField(_("naam"), max_length=100)
    prefix = models.CharField(_("begin van de sleutel"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    class Scope(models.TextChoices):
        READ = "read", _("alleen lezen")
        WRITE = "write", _("lezen en schrijven")

    scope = models.CharField(_("bereik"), max_length=10, choices=Scope.choices, default="write")
    expires_at = models.DateTimeField(_("verloopt"), null=True, blank=True)
    # Made from a session with a verified second factor: only such keys carry the elevated
    # roles (platform admin, auditor) of their owner (issue #23).
    two_factor = models.BooleanField(_("met tweestapsverificatie gemaakt"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return "glans_" + secrets.token_urlsafe(32)


class OutboxMessage(models.Model):
    """Background work promised in the same transaction as the change that asked for it (a
    transactional outbox, core/tasks.py). Pending while ``dispatched_at`` is empty: the broker
    has not accepted it yet; ``glans_outbox_drain`` (and the beat task) send pending rows,
    oldest first. Dispatched rows are kept a while for the record, then pruned."""

    task = models.CharField(_("taak"), max_length=200)
    args = models.JSONField(_("argumenten"), default=list)
    kwargs = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(_("verstuurd"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    last_error = models.TextField(_("laatste fout"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("uitgaande taak")
        verbose_name_plural = _("uitgaande taken")
        constraints = [
            # One pending row per piece of work: the same task with the same arguments
            # enqueued twice before it is sent is sent once (tasks are idempotent anyway).
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(dispatched_at__isnull=True),
                name="glans_outbox_one_pending_per_key",
            )
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)!r}"


class AccountInvitation(models.Model):
    """An invitation e-mail with a set-password link, for someone added by a staff-list
    upload or the admin (no usable password yet). One row per sending, so re-sending is
    recorded; the task sends each at most once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persoon"),
        on_delete=models.CASCADE,
        related_name="glans_invitations",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verstuurd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("verstuurd"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class SentNotification(models.Model):
    """A mail or reminder that went out once and must never go out again: the unique key
    names the event (``courses:stalled:<user>:enrollment:<id>:<day>``). Written by
    ``core.notifications.notify_once`` in the same transaction as the sending, so a failed
    send leaves no row and is tried again later."""

    key = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persoon"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="glans_notifications",
    )
    kind = models.CharField(max_length=40, db_index=True)
    sent_at = models.DateTimeField(_("verstuurd"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("verstuurde melding")
        verbose_name_plural = _("verstuurde meldingen")

    def __str__(self):
        return self.key
