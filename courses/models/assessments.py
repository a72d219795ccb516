"""The practical assessment of Train-de-Trainer: the participant runs one team session at their
own school (planned and attended through the team-session mode), records it with a short
reflection on the calibration, and an academy trainer confirms it with a rubric. Writes go
through ``courses.assessments`` (services)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticalAssessment(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("ingediend, wacht op de trainer")
        RETURNED = "returned", _("teruggegeven: aanvullen")
        CONFIRMED = "confirmed", _("bevestigd")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="glans_practical_assessments",
        verbose_name=_("deelnemer"),
    )
    programme = models.ForeignKey(
        "glans_courses.ProgrammePage",
        on_delete=models.CASCADE,
        related_name="practical_assessments",
        verbose_name=_("programma"),
    )
    session = models.ForeignKey(
        "glans_courses.Session",
        on_delete=models.PROTECT,
        related_name="practical_assessments",
        verbose_name=_("teambijeenkomst"),
    )
    reflection = models.TextField(_("reflectie op de kalibratie"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    rubric = models.JSONField(_("rubriek"), default=dict, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trainer"),
    )
    trainer_note = models.TextField(_("toelichting van de trainer"), blank=True)
    submitted_at = models.DateTimeField(_("ingediend op"))
    decided_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("praktijktoets")
        verbose_name_plural = _("praktijktoetsen")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"], name="one_practical_assessment_per_programme"
            )
        ]

    def __str__(self):
        return f"{self.programme_id}/{self.user_id}: {self.status}"
