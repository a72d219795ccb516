"""Registration points, certificates of participation, signing keys and the xAPI log.

Registers themselves (name, unit, cycle, themes) are courses' `Register`; this app adds
accreditations with validity windows per programme, module or session, the points ledger
(one entry per source event, never deleted), certificates and learning records."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from glans_learning.courses.models import ModulePage, ProgrammePage, Register, Session


class Accreditation(models.Model):
    """What one programme, module or session is worth in a register, from when to when."""

    register = models.ForeignKey(
        Register,
        verbose_name=_("register"),
        on_delete=models.PROTECT,
        related_name="glans_accreditations",
    )
    programme = models.ForeignKey(
        ProgrammePage,
        verbose_name=_("programma"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    module = models.ForeignKey(
        ModulePage,
        verbose_name=_("module"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("bijeenkomst"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.DecimalField(_("waarde"), max_digits=6, decimal_places=1)
    theme = models.CharField(_("thema"), max_length=200, blank=True)
    accreditation_id = models.CharField(_("accreditatienummer"), max_length=100, blank=True)
    valid_from = models.DateField(_("geldig vanaf"), null=True, blank=True)
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)

    class Meta:
        verbose_name = _("accreditatie")
        verbose_name_plural = _("accreditaties")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(programme__isnull=False, module__isnull=True, session__isnull=True)
                    | Q(programme__isnull=True, module__isnull=False, session__isnull=True)
                    | Q(programme__isnull=True, module__isnull=True, session__isnull=False)
                ),
                name="accreditation_has_one_target",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="accreditation_not_negative"),
        ]

    def __str__(self):
        return f"{self.register} {self.accreditation_id}".strip()

    def applies_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class RegisterCycle(models.Model):
    """Where a person's cycle in a register starts (optional: without it the cycle starts on
    1 January of the year of their first entry)."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("cyclus begint op"))

    class Meta:
        verbose_name = _("registercyclus")
        verbose_name_plural = _("registercycli")
        constraints = [
            models.UniqueConstraint(fields=["register", "user"], name="one_cycle_start_per_user")
        ]

    def __str__(self):
        return f"{self.user_id} {self.register_id} {self.starts_on}"


class Source(models.TextChoices):
    PROGRAMME = "programme", _("programma afgerond")
    MODULE = "module", _("module afgerond")
    SESSION = "session", _("bijeenkomst bijgewoond")
    CORRECTION = "correction", _("correctie")


class PointsEntry(models.Model):
    """One line of the ledger. An achievement writes at most one entry per register (the
    unique key); entries never refer to pages by foreign key, so content changes never take
    them away. Corrections are new entries with a reason; nothing is ever deleted."""

    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_points"
    )
    source_type = models.CharField(_("bron"), max_length=20, choices=Source.choices)
    source_id = models.CharField(max_length=64)
    amount = models.DecimalField(_("waarde"), max_digits=7, decimal_places=1)
    earned_on = models.DateField(_("datum"))
    description = models.CharField(_("omschrijving"), max_length=300)
    accreditation_id = models.CharField(_("accreditatienummer"), max_length=100, blank=True)
    theme = models.CharField(_("thema"), max_length=200, blank=True)
    reason = models.TextField(_("reden"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["earned_on", "pk"]
        verbose_name = _("registerpunten")
        verbose_name_plural = _("registerpunten")
        constraints = [
            models.UniqueConstraint(
                fields=["register", "user", "source_type", "source_id"],
                name="one_entry_per_source_event",
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.register_id} {self.amount}"


class Certificate(models.Model):
    """A certificate of participation: one per learner and programme, whatever happens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_certificates"
    )
    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    programme_key = models.PositiveIntegerField()  # the programme's id, kept if it is deleted
    programme_title = models.CharField(_("programma"), max_length=255)
    learner_name = models.CharField(_("naam"), max_length=255)
    value_text = models.CharField(_("uren/punten"), max_length=255, blank=True)
    completed_on = models.DateField(_("afgerond op"))
    issued_at = models.DateTimeField(_("uitgereikt op"), auto_now_add=True)
    code = models.CharField(_("verificatiecode"), max_length=32, unique=True)
    status_index = models.PositiveIntegerField(unique=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    credential_jwt = models.TextField(blank=True, editable=False)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revocation_reason = models.TextField(_("reden van intrekken"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the holder was erased (AVG art. 17): the name, PDF and credential are gone,
    # the verification page still answers.
    holder_anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificaat")
        verbose_name_plural = _("certificaten")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme_key"], name="one_certificate_per_programme"
            )
        ]

    def __str__(self):
        return f"{self.programme_title} – {self.code}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class SigningKey(models.Model):
    """A P-256 key pair the site signs credentials with (ES256). The newest key that is not
    retired signs; retired keys stay published so older credentials keep verifying."""

    kid = models.CharField(max_length=64, unique=True)
    private_jwk = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.kid


class LearningRecord(models.Model):
    """One xAPI statement, stored exactly as it is (and will be) sent. Its id is a uuid5 of
    the source event, so the same event never makes two statements."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField(max_length=40)
    statement = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["forwarded_at"], name="glans_xapi_unsent")]

    def __str__(self):
        return f"{self.verb} {self.id}"
