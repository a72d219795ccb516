"""The S of GLANS: pseudonymous families, their relationships with a group, measurement
moments and ratings. No names of parents or children are stored anywhere."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from glans_learning.organisations.models import Board, Group, OrganisationUnit, SchoolYear


class Family(models.Model):
    """A family, known only by a generated code. Its pupils' stable keys are kept as keyed
    hashes (FamilyKey), so next year's import finds the same family and code."""

    board = models.ForeignKey(
        Board, verbose_name=_("bestuur"), on_delete=models.CASCADE, related_name="families"
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.CASCADE,
        related_name="families",
    )
    code = models.CharField(_("code"), max_length=16)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("gezin")
        verbose_name_plural = _("gezinnen")
        constraints = [
            models.UniqueConstraint(fields=["board", "code"], name="unique_family_code_per_board")
        ]

    def __str__(self):
        return self.code


class FamilyKey(models.Model):
    """A keyed hash (HMAC) of one pupil's stable key, pointing at the pupil's family. Linking
    siblings points several keys at one family."""

    family = models.ForeignKey(
        Family, verbose_name=_("gezin"), on_delete=models.CASCADE, related_name="keys"
    )
    unit = models.ForeignKey(OrganisationUnit, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(_("sleutel-hash"), max_length=64)

    class Meta:
        verbose_name = _("leerlingsleutel (gehasht)")
        verbose_name_plural = _("leerlingsleutels (gehasht)")
        constraints = [
            models.UniqueConstraint(fields=["unit", "key_hash"], name="unique_family_key_per_unit")
        ]

    def __str__(self):
        return self.key_hash[:8]


class Relationship(models.Model):
    """One family in one group in one school year: the relationship the group's teachers rate."""

    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.CASCADE,
        related_name="relationships",
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("schooljaar"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        Group, verbose_name=_("groep"), on_delete=models.CASCADE, related_name="relationships"
    )
    family = models.ForeignKey(
        Family, verbose_name=_("gezin"), on_delete=models.CASCADE, related_name="relationships"
    )
    label = models.CharField(
        _("korte aanduiding"),
        max_length=40,
        blank=True,
        help_text=_(
            "Bijvoorbeeld een voornaam. Alleen zichtbaar voor de leraren van de groep, de IB'er "
            "en de Expertgroep van de school."
        ),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["group__name", "family__code"]
        verbose_name = _("ouderrelatie")
        verbose_name_plural = _("ouderrelaties")
        constraints = [
            models.UniqueConstraint(fields=["group", "family"], name="unique_relationship")
        ]
        indexes = [
            models.Index(fields=["unit", "school_year"]),
            # The dashboards count a school's (or a board's) active relationships of a year
            # per group: this index holds just those rows, so the count never reads the
            # other years' or the ended relationships.
            models.Index(
                fields=["unit", "school_year", "group"],
                condition=models.Q(is_active=True),
                name="active_relationship_unit_year",
            ),
        ]

    def __str__(self):
        return f"{self.family.code} – {self.group.name}"


class MeasurementMoment(models.Model):
    """A moment at which every relationship of a unit is rated, with an open window."""

    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.CASCADE,
        related_name="measurement_moments",
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("schooljaar"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("datum"))
    opens_on = models.DateField(_("open vanaf"))
    closes_on = models.DateField(_("open tot en met"))
    title = models.CharField(_("titel"), max_length=80, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("meetmoment")
        verbose_name_plural = _("meetmomenten")
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="unique_moment_per_unit_date")
        ]

    def __str__(self):
        return self.title or self.date.strftime("%d-%m-%Y")

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("Het venster sluit voordat het opent.")})

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on


class RatingValue(models.TextChoices):
    POSITIVE = "positive", _("glanst")
    NEUTRAL = "neutral", _("neutraal")
    NEGATIVE = "negative", _("dof")


class NextStep(models.TextChoices):
    MAKE = "make", _("contact maken")
    KEEP = "keep", _("contact onderhouden")
    DEEPEN = "deepen", _("contact verdiepen")
    CLOSE = "close", _("contact afsluiten")


class FollowUp(models.TextChoices):
    OPEN = "open", _("open")
    OTHER_ROUTE = "other_route", _("andere route afgesproken")
    CLOSED = "closed", _("gesloten")


class Rating(models.Model):
    relationship = models.ForeignKey(
        Relationship,
        verbose_name=_("ouderrelatie"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    moment = models.ForeignKey(
        MeasurementMoment,
        verbose_name=_("meetmoment"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    value = models.CharField(_("waardering"), max_length=10, choices=RatingValue.choices)
    next_step = models.CharField(
        _("volgende stap"), max_length=10, choices=NextStep.choices, blank=True
    )
    note = models.CharField(_("notitie"), max_length=500, blank=True)
    cooperation_impossible = models.BooleanField(_("samenwerking lijkt onmogelijk"), default=False)
    follow_up = models.CharField(
        _("opvolging"), max_length=12, choices=FollowUp.choices, blank=True
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rated_at = models.DateTimeField(_("beoordeeld op"), default=timezone.now)
    # From dof to practice (issue #25): the lesson the teacher rehearsed the conversation
    # with (its slug in the course material) before following up a dull relationship.
    practised_lesson = models.CharField(_("geoefend met les"), max_length=255, blank=True)
    practised_at = models.DateTimeField(_("geoefend op"), null=True, blank=True)

    class Meta:
        verbose_name = _("waardering")
        verbose_name_plural = _("waarderingen")
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "moment"], name="unique_rating_per_moment"
            )
        ]

    def __str__(self):
        return f"{self.relationship_id}@{self.moment_id}: {self.value}"


class RatingTally(models.Model):
    """The ratings of one group's active relationships at one moment, counted: what the
    dashboards and APIs show, so a board or the academy reads a few rows per school instead
    of every rating. Derived data, never edited by hand: `services.tallies_refresh`
    recomputes a school year's (or one moment's) rows from the ratings in the same
    transaction as every write that changes them (rating, taking a rating back, a next
    step, an import that ends or revives relationships, linking siblings, retention), so a
    retry recounts rather than adds. `manage.py measurement_tallies` rebuilds or checks
    them. Counts only: no family, code or label."""

    moment = models.ForeignKey(MeasurementMoment, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    rated = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    dull_without_step = models.PositiveIntegerField(default=0)
    impossible = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    COUNTS = ("rated", "positive", "neutral", "negative", "dull_without_step", "impossible")

    class Meta:
        verbose_name = _("telling per groep en meetmoment")
        verbose_name_plural = _("tellingen per groep en meetmoment")
        constraints = [
            models.UniqueConstraint(fields=["moment", "group"], name="unique_tally_per_group")
        ]

    def __str__(self):
        return f"{self.group_id}@{self.moment_id}: {self.positive}/{self.rated}"


class Target(models.Model):
    """The share of shining relationships a board aims for in an implementation year."""

    board = models.ForeignKey(
        Board,
        verbose_name=_("bestuur"),
        on_delete=models.CASCADE,
        related_name="measurement_targets",
    )
    implementation_year = models.PositiveSmallIntegerField(_("implementatiejaar"))
    share_positive = models.PositiveSmallIntegerField(_("doel glanst (%)"))

    class Meta:
        ordering = ["board__name", "implementation_year"]
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")
        constraints = [
            models.UniqueConstraint(fields=["board", "implementation_year"], name="unique_target"),
            models.CheckConstraint(
                condition=models.Q(share_positive__lte=100), name="target_share_at_most_100"
            ),
        ]

    def __str__(self):
        return f"{self.implementation_year}: {self.share_positive}%"


DEFAULT_TARGETS = {2: 80, 3: 95, 4: 100}


class ImplementationYear(models.Model):
    """Which implementation year (1, 2, 3, 4…) a unit is in during a school year."""

    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("schooljaar"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("implementatiejaar"))

    class Meta:
        verbose_name = _("implementatiejaar")
        verbose_name_plural = _("implementatiejaren")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "school_year"], name="unique_implementation_year"
            )
        ]

    def __str__(self):
        return str(self.number)


class Intervisie(models.Model):
    """The team's peer-review session on the results of a moment."""

    moment = models.ForeignKey(
        MeasurementMoment,
        verbose_name=_("meetmoment"),
        on_delete=models.CASCADE,
        related_name="intervisies",
    )
    held_on = models.DateField(_("datum"))
    participants = models.TextField(_("deelnemers"))
    agreements = models.TextField(_("afspraken"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("intervisie")
        verbose_name_plural = _("intervisies")

    def __str__(self):
        return f"{self.moment} ({self.held_on})"


class AccessLog(models.Model):
    """Who viewed labelled relationship data (labels are the only near-identifying field)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unit = models.ForeignKey(OrganisationUnit, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, related_name="+")
    what = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("inzage")
        verbose_name_plural = _("inzagelog")

    def __str__(self):
        return f"{self.what} {self.at}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("niet geïmporteerd")


class ImportJob(models.Model):
    """A big group list imported in the background (all or nothing). The parsed rows wait
    here until the task has run and are then wiped; pupils' names were never read. While
    the import runs, its progress is in the cache (`imports.progress`)."""

    unit = models.ForeignKey(OrganisationUnit, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("regels"), default=0)
    rows = models.JSONField(default=list, blank=True)
    end_missing = models.BooleanField(
        _("relaties beëindigen die niet in het bestand staan"), default=False
    )
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.unit_id}/{self.pk} {self.status}"


class SelfCheck(models.Model):
    """A teacher's own monthly check of a relationship in their group (seed 001): private to
    the teacher, kept apart from the school's moments and never in any aggregate."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="self_checks"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("maand"))  # the first day of the month
    value = models.CharField(_("waardering"), max_length=10, choices=RatingValue.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month"]
        verbose_name = _("eigen maandcheck")
        verbose_name_plural = _("eigen maandchecks")
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "teacher", "month"], name="unique_self_check_per_month"
            )
        ]

    def __str__(self):
        return f"{self.relationship_id} {self.month:%Y-%m}"


class AppreciationChannel(models.TextChoices):
    OFF = "", _("uit")
    MAIL = "mail", _("per e-mail")
    DASHBOARD = "dashboard", _("alleen op mijn overzicht")


class AppreciationPreference(models.Model):
    """The teacher's opt-in for the 3-op-1 week (issue #25): off unless they switch it on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_appreciation"
    )
    channel = models.CharField(
        _("3-op-1-week"), max_length=10, choices=AppreciationChannel.choices, blank=True
    )

    def __str__(self):
        return f"{self.user_id}: {self.channel or '-'}"


class AppreciationWeek(models.Model):
    """One 3-op-1 week of one teacher (the Monday), created once by the weekly task: the
    private nudge to send two appreciative messages to families rated neutraal."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(_("week (maandag)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "week"], name="one_appreciation_week")
        ]

    def __str__(self):
        return f"{self.teacher_id} {self.week}"


class AppreciationTick(models.Model):
    """A message of appreciation sent to a family in a 3-op-1 week, ticked off in the grid."""

    week = models.ForeignKey(AppreciationWeek, on_delete=models.CASCADE, related_name="ticks")
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "relationship"], name="one_tick_per_family")
        ]

    def __str__(self):
        return f"{self.week_id}/{self.relationship_id}"
