"""Enrolment and progress: a learner's enrolments, answers and attempts, lesson progress and
the (sticky) module and programme completions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .pages import LessonPage, ModulePage, ProgrammePage


class ActivityResponse(models.Model):
    """A learner's private answer to one activity block of a lesson. One per learner and block:
    answering again updates it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_responses"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="responses")
    block_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    answer_text = models.TextField(blank=True)
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    is_correct = models.BooleanField(null=True)
    score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="one_response_per_activity"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.block_id} ({self.user_id})"


class ActivityAttempt(models.Model):
    """Every answer a learner gives to an activity, kept (the response holds what counts)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_attempts"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="attempts")
    block_id = models.CharField(max_length=64)
    number = models.PositiveIntegerField()
    answer_text = models.TextField(blank=True)
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    is_correct = models.BooleanField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "lesson", "block_id", "number"]
        verbose_name = _("poging")
        verbose_name_plural = _("pogingen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id", "number"], name="one_attempt_per_number"
            )
        ]

    def __str__(self):
        return f"{self.block_id} #{self.number} ({self.user_id})"


class EnrollmentQuerySet(models.QuerySet):
    def active(self):
        """Enrolments that count: not withdrawn."""
        return self.filter(status=Enrollment.Status.ACTIVE)


class Enrollment(models.Model):
    """A learner in a programme for a school year (cohort)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("actief")
        WITHDRAWN = "withdrawn", _("uitgeschreven")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lerende"),
        on_delete=models.CASCADE,
        related_name="glans_enrollments",
    )
    programme = models.ForeignKey(
        ProgrammePage,
        verbose_name=_("leerprogramma"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    school_year = models.ForeignKey(
        "glans_organisations.SchoolYear",
        verbose_name=_("schooljaar"),
        on_delete=models.PROTECT,
        related_name="glans_enrollments",
    )
    unit = models.ForeignKey(
        "glans_organisations.OrganisationUnit",
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="glans_enrollments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingeschreven door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ingeschreven op"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("laatste activiteit"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "school_year"], name="one_enrollment_per_year"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.programme} ({self.school_year})"


class LessonStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("niet begonnen")
    IN_PROGRESS = "in_progress", _("bezig")
    COMPLETED = "completed", _("afgerond")


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(
        max_length=12, choices=LessonStatus.choices, default=LessonStatus.IN_PROGRESS
    )
    first_visit_at = models.DateTimeField()
    last_visit_at = models.DateTimeField()
    visits = models.PositiveIntegerField(default=1)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("voortgang per les")
        verbose_name_plural = _("voortgang per les")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_progress_per_lesson")
        ]

    def __str__(self):
        return f"{self.user_id} {self.lesson_id} {self.status}"


class ModuleCompletion(models.Model):
    """A module completed under the rules of that moment. `requirements` keeps which lessons
    were required then, so that later content never takes a completion away."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_module_completions"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()
    requirements = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="one_completion_per_module")
        ]

    def __str__(self):
        return f"{self.user_id} {self.module_id}"


class ProgrammeCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="glans_programme_completions",
    )
    programme = models.ForeignKey(
        ProgrammePage, on_delete=models.CASCADE, related_name="completions"
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField()
    requirements = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"], name="one_completion_per_programme"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.programme_id}"
