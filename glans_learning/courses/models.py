"""Programmes → modules (one per GLANS letter) → lessons as Wagtail pages; face-to-face
sessions with attendance; the learner's answers to lesson activities."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from glans_learning.content.blocks import ACTIVITY_BLOCK_TYPES, LessonStreamBlock
from glans_learning.content.xblocks.selectors import EXERCISE_BLOCK_TYPE


class Audience(models.TextChoices):
    TDT = "tdt", _("Train-de-Trainer")
    WORKSHOP = "workshop", _("Jaarlijkse Glans-workshop")
    REFRESHER = "refresher", _("Opfriscursus")


class Letter(models.TextChoices):
    G = "G", _("G – Grondhouding en Gesprek")
    L = "L", _("L – Lijn")
    A = "A", _("A – Ambitie")
    N = "N", _("N – Naast elkaar")
    S = "S", _("S – Systeem")
    INTRO = "intro", _("Introductie")
    IMPLEMENTATION = "implementation", _("Implementatie")


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


class ProgrammeIndexPage(Page):
    intro = RichTextField(_("inleiding"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["glans_courses.ProgrammePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("overzicht leerprogramma's")

    def get_context(self, request, *args, **kwargs):
        from .page_views import programme_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(programme_index_context(index=self, request=request))
        return context


class ProgrammePage(Page):
    audience = models.CharField(_("doelgroep"), max_length=20, choices=Audience.choices)
    intro = models.CharField(_("korte omschrijving"), max_length=400, blank=True)
    description = RichTextField(_("beschrijving"), blank=True)
    learning_goals = models.TextField(
        _("leerdoelen"), blank=True, help_text=_("Eén leerdoel per regel.")
    )
    self_enrolment = models.BooleanField(
        _("zelf inschrijven"),
        default=False,
        help_text=_(
            "Lerenden mogen zich zelf inschrijven (bijvoorbeeld voor de jaarlijkse workshop)."
        ),
    )
    required_session_count = models.PositiveSmallIntegerField(
        _("verplichte bijeenkomsten"),
        default=0,
        help_text=_(
            "Aantal bijeenkomsten dat een lerende moet bijwonen (of elders inhalen) om het "
            "programma af te ronden."
        ),
    )
    attendance_window_days = models.PositiveSmallIntegerField(
        _("aanwezigheid registreren tot (dagen)"),
        default=14,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "Aanwezigheid kan worden geregistreerd vanaf het begin van een bijeenkomst tot zoveel "
            "dagen na het einde."
        ),
    )
    team_sessions_count = models.BooleanField(
        _("teambijeenkomsten tellen mee"),
        default=False,
        help_text=_(
            "Teambijeenkomsten die een teamleider voor de eigen school plant, tellen mee voor de "
            "verplichte bijeenkomsten. Bijeenkomsten van academietrainers tellen altijd mee."
        ),
    )
    study_load_hours = models.DecimalField(
        _("studiebelasting (uren)"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("audience"),
        FieldPanel("intro"),
        FieldPanel("description"),
        FieldPanel("learning_goals"),
        FieldPanel("study_load_hours"),
        MultiFieldPanel(
            [
                FieldPanel("self_enrolment"),
                FieldPanel("required_session_count"),
                FieldPanel("attendance_window_days"),
                FieldPanel("team_sessions_count"),
            ],
            heading=_("Inschrijving en afronding"),
        ),
        InlinePanel("accreditations", label=_("Registerpunten")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("description"),
    ]
    parent_page_types = ["glans_courses.ProgrammeIndexPage"]
    subpage_types = ["glans_courses.ModulePage"]

    class Meta:
        verbose_name = _("leerprogramma")
        verbose_name_plural = _("leerprogramma's")

    @property
    def learning_goal_list(self):
        return [line.strip() for line in self.learning_goals.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from .page_views import programme_context

        context = super().get_context(request, *args, **kwargs)
        context.update(programme_context(programme=self, request=request))
        return context


class ProgrammeAccreditation(Orderable):
    """Points a programme earns in a register, with the register's accreditation id."""

    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="accreditations")
    register = models.ForeignKey(Register, verbose_name=_("register"), on_delete=models.PROTECT)
    points = models.DecimalField(
        _("waarde"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    accreditation_id = models.CharField(_("accreditatienummer"), max_length=100, blank=True)

    panels = [FieldPanel("register"), FieldPanel("points"), FieldPanel("accreditation_id")]

    class Meta(Orderable.Meta):
        verbose_name = _("registerpunten")
        verbose_name_plural = _("registerpunten")


def letter_badge(letter: str) -> str:
    """The one character shown in a module's badge (G, L, A, N, S; or the first letter of a
    longer code such as 'intro')."""
    return letter if len(letter) == 1 else letter[:1].upper()


class ModulePage(Page):
    letter = models.CharField(_("GLANS-letter"), max_length=20, choices=Letter.choices)
    intro = RichTextField(_("inleiding"), blank=True)
    learning_goals = models.TextField(
        _("leerdoelen"), blank=True, help_text=_("Eén leerdoel per regel.")
    )
    estimated_minutes = models.PositiveIntegerField(_("geschatte tijd (minuten)"), default=60)
    is_optional = models.BooleanField(
        _("facultatief"), default=False, help_text=_("Niet nodig om het programma af te ronden.")
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("letter"), FieldPanel("estimated_minutes"), FieldPanel("is_optional")],
            heading=_("Module"),
        ),
        FieldPanel("intro"),
        FieldPanel("learning_goals"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["glans_courses.ProgrammePage"]
    subpage_types = ["glans_courses.LessonPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    @property
    def learning_goal_list(self):
        return [line.strip() for line in self.learning_goals.splitlines() if line.strip()]

    @property
    def letter_badge(self):
        return letter_badge(self.letter)

    def get_context(self, request, *args, **kwargs):
        from .page_views import module_context

        context = super().get_context(request, *args, **kwargs)
        context.update(module_context(module=self, request=request))
        return context


class LessonPage(Page):
    body = StreamField(LessonStreamBlock(), verbose_name=_("inhoud"))
    estimated_minutes = models.PositiveIntegerField(_("geschatte tijd (minuten)"), default=20)
    is_trainer_guide = models.BooleanField(
        _("trainershandleiding"),
        default=False,
        help_text=_("De les beschrijft hoe een TdT-deelnemer deze module in het eigen team geeft."),
    )
    completion_rule = models.CharField(
        _("afrondingsregel"),
        max_length=12,
        choices=[
            ("opened", _("Geopend")),
            ("manual", _("Zelf afvinken")),
            ("activities", _("Alle verplichte activiteiten gedaan")),
            ("score", _("Verplichte activiteiten gedaan en score op de kennischecks ≥ drempel")),
        ],
        default="activities",
    )
    pass_score = models.PositiveSmallIntegerField(
        _("drempelscore (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    is_optional = models.BooleanField(
        _("facultatief"), default=False, help_text=_("Niet nodig om de module af te ronden.")
    )
    # Derived from the body on save: [{"id", "kind", "required", "label"}]. Progress views read
    # this instead of parsing every lesson body.
    activity_summary = models.JSONField(default=list, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("is_trainer_guide"),
                FieldPanel("completion_rule"),
                FieldPanel("pass_score"),
                FieldPanel("is_optional"),
            ],
            heading=_("Les"),
        ),
        FieldPanel("body"),
    ]
    # Trainer notes are never indexed: a search must not find a lesson by text that the
    # searcher may not see.
    search_fields = [*Page.search_fields, index.SearchField("searchable_body")]
    parent_page_types = ["glans_courses.ModulePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("les")
        verbose_name_plural = _("lessen")

    @cached_property
    def activity_blocks(self):
        return [
            child
            for child in self.body
            if child.block_type in ACTIVITY_BLOCK_TYPES or child.block_type == EXERCISE_BLOCK_TYPE
        ]

    def searchable_body(self) -> str:
        """The lesson's text for the search index, without trainer notes."""
        parts = []
        for child in self.body:
            if child.block_type == "trainer_note":
                continue
            parts.extend(str(text) for text in child.block.get_searchable_content(child.value))
        return "\n".join(parts)

    def build_activity_summary(self) -> list[dict]:
        summary = []
        for child in self.activity_blocks:
            value = child.value
            label = value.get("title") or value.get("question") or ""
            entry = {
                "id": child.id,
                "kind": child.block_type,
                "required": bool(value.get("required", True)),
                "label": str(label)[:160],
            }
            if child.block_type == EXERCISE_BLOCK_TYPE:
                entry["xblock_type"] = value.get("xblock_type") or ""
            summary.append(entry)
        return summary

    def save(self, *args, **kwargs):
        self.__dict__.pop("activity_blocks", None)
        self.activity_summary = self.build_activity_summary()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "activity_summary"}
        return super().save(*args, **kwargs)

    def get_activity(self, block_id):
        for child in self.activity_blocks:
            if child.id == block_id:
                return child
        return None

    def get_context(self, request, *args, **kwargs):
        from .page_views import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(lesson=self, request=request))
        return context


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


def validate_single_line(value: str) -> None:
    """Titles end up in e-mail subjects and file names: one line, no control characters."""
    if any(ord(c) < 32 or ord(c) == 127 or c in "\u2028\u2029\x85" for c in value or ""):
        raise ValidationError(_("Gebruik één regel tekst, zonder regeleinden of tabs."))


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


class MaterialRecord(models.Model):
    """Which material file a page was loaded from, and the revision the loader wrote, so that
    re-loading leaves pages that editors changed alone."""

    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, related_name="glans_material_record", null=True, blank=True
    )
    document = models.OneToOneField(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="glans_material_record",
        null=True,
        blank=True,
    )
    source = models.CharField(max_length=300, unique=True)
    checksum = models.CharField(max_length=64)
    loaded_revision_id = models.BigIntegerField(null=True, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("herkomst lesmateriaal")
        verbose_name_plural = _("herkomst lesmateriaal")

    def __str__(self):
        return self.source


# --- Enrolment and progress ------------------------------------------------------------


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


class LearnerPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_preference"
    )
    reminders_enabled = models.BooleanField(_("herinneringen per e-mail"), default=True)

    def __str__(self):
        return str(self.user_id)


class ReminderLog(models.Model):
    """One row per reminder sent; the unique key makes sure an event is never mailed twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_reminders"
    )
    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_reminder_per_event")
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"


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
