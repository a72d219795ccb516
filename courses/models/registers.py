"""Professional registers that award points or hours for programmes (data, not code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Register(models.Model):
    """A professional register that awards points or hours (data, not code)."""

    class Unit(models.TextChoices):
        POINTS = "points", _("punten")
        HOURS = "hours", _("uren")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    unit = models.CharField(_("eenheid"), max_length=10, choices=Unit.choices, default=Unit.POINTS)
    cycle_years = models.PositiveSmallIntegerField(_("cyclus in jaren"), default=4)
    required_per_cycle = models.PositiveIntegerField(_("nodig per cyclus"), null=True, blank=True)
    themes = models.TextField(_("thema's"), blank=True, help_text=_("Eén thema per regel."))
    notes = models.TextField(_("toelichting"), blank=True)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("register")
        verbose_name_plural = _("registers")

    def __str__(self):
        return self.name
