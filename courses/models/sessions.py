"""Face-to-face sessions of a programme, registrations and attendance."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .pages import ModulePage, ProgrammePage


def validate_single_line(value: str) -> None:
    """Titles end up in e-mail subjects and file names: one line, no control characters."""
    if any(ord(c) < 32 or ord(c) == 127 or c in "\u2028\u2029\x85" for c in value or ""):
        raise ValidationError(_("Gebruik één regel tekst, zonder regeleinden of tabs."))


class Session(models.Model):
    """A face-to-face meeting (TdT meeting or team session) of a programme."""

    class Kind(models.TextChoices):
        TDT = "tdt", _("TdT-bijeenkomst")
        TEAM = "team", _("Teambijeenkomst")
        ONLINE = "online", _("Online bijeenkomst")

    programme = models.ForeignKey(
        ProgrammePage,
        verbose_name=_("leerprogramma"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    unit = models.ForeignKey(
        "glans_organisations.OrganisationUnit",
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="glans_sessions",
        help_text=_("Leeg voor een bijeenkomst van de academie voor meerdere scholen."),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.TDT)
    title = models.CharField(_("titel"), max_length=200, validators=[validate_single_line])
    starts_at = models.DateTimeField(_("begint"))
    ends_at = models.DateTimeField(_("eindigt"))
    location = models.CharField(_("locatie"), max_length=250, blank=True)
    online_url = models.URLField(_("link online bijeenkomst"), blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        blank=True,
        related_name="glans_sessions_trained",
    )
    modules = models.ManyToManyField(
        ModulePage, verbose_name=_("behandelde modules"), blank=True, related_name="sessions"
    )
    capacity = models.PositiveIntegerField(_("maximaal aantal deelnemers"), null=True, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    guide = models.ForeignKey(
        "glans_courses.LessonPage",
        verbose_name=_("trainershandleiding"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("De handleiding waarmee deze teambijeenkomst wordt gegeven."),
    )
    trainer_materials = models.TextField(_("materiaal voor de trainer"), blank=True)
    school_year = models.ForeignKey(
        "glans_organisations.SchoolYear",
        verbose_name=_("schooljaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gepland door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Set by services.session_plan from who planned it and the programme's rule; only official
    # sessions count toward the programme's required sessions.
    is_official = models.BooleanField(_("officiële bijeenkomst"), default=False, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")

    def __str__(self):
        return f"{self.title} ({self.starts_at:%d-%m-%Y})"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Een bijeenkomst moet eindigen na het begin.")})
        if not self.location and not self.online_url:
            raise ValidationError(
                {"location": _("Vul een locatie of een link voor online deelname in.")}
            )


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("nog niet geregistreerd")
    PRESENT = "present", _("aanwezig")
    ABSENT = "absent", _("afwezig")
    EXCUSED = "excused", _("afgemeld")
    MADE_UP = "made_up", _("elders ingehaald")


ATTENDED = frozenset({Attendance.PRESENT, Attendance.MADE_UP})


class SessionRegistration(models.Model):
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("bijeenkomst"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="glans_session_registrations",
        verbose_name=_("deelnemer"),
    )
    registered_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)
    attendance = models.CharField(
        _("aanwezigheid"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attendance_note = models.CharField(_("toelichting"), max_length=250, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geregistreerd door"),
    )
    recorded_at = models.DateTimeField(_("geregistreerd op"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("bevestiging verstuurd"), null=True, blank=True)

    class Meta:
        ordering = ["session__starts_at", "user__last_name"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_registration_per_session")
        ]

    def __str__(self):
        return f"{self.user} – {self.session}"

    @property
    def attended(self) -> bool:
        return self.attendance in ATTENDED
