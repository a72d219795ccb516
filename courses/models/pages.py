"""The course tree as Wagtail pages: programmes → modules (one per GLANS letter) → lessons,
and where loaded material came from."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from glans_learning.content.blocks import ACTIVITY_BLOCK_TYPES, LessonStreamBlock
from glans_learning.content.xblocks.selectors import EXERCISE_BLOCK_TYPE

from .registers import Register


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


# The pages' view code (courses/views/pages.py: selectors for what a page shows, services for
# what opening it does) sits above the models, so the models reach it through this Wagtail
# hook, which courses/wagtail_hooks.py registers; no import from the models back up.
PAGE_VIEWS_HOOK = "glans_course_page_views"


def page_view(name: str):
    """The page view function `name` of the module registered under PAGE_VIEWS_HOOK."""
    for views in hooks.get_hooks(PAGE_VIEWS_HOOK):
        return getattr(views(), name)
    raise LookupError(f"no {PAGE_VIEWS_HOOK} hook is registered")


class CourseTreeRouting:
    """Mixin for the course pages (before `Page` in the bases): routing below the page in one
    query and the view restrictions in one (courses/views/pages.py, docs/performance.md)."""

    # The page types below this one, level by level, as the course tree's
    # parent_page_types/subpage_types fix them: ("glans_courses.ModulePage", ...).
    course_levels: tuple[str, ...] = ()

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        return page_view("course_route")(
            page=self, request=request, path_components=path_components
        )

    def get_view_restrictions(self):
        return page_view("course_view_restrictions")(page=self)


class ProgrammeIndexPage(CourseTreeRouting, Page):
    intro = RichTextField(_("inleiding"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["glans_courses.ProgrammePage"]
    max_count_per_parent = 1
    course_levels = (
        "glans_courses.ProgrammePage",
        "glans_courses.ModulePage",
        "glans_courses.LessonPage",
    )

    class Meta:
        verbose_name = _("overzicht leerprogramma's")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(page_view("programme_index_context")(index=self, request=request))
        return context


class ProgrammePage(CourseTreeRouting, Page):
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
    requires_practical_assessment = models.BooleanField(
        _("praktijktoets vereist"),
        default=False,
        help_text=_(
            "De deelnemer leidt één teambijeenkomst op de eigen school en legt die vast; het "
            "programma is pas afgerond als een trainer van de academie dat heeft bevestigd."
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
                FieldPanel("requires_practical_assessment"),
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
    course_levels = ("glans_courses.ModulePage", "glans_courses.LessonPage")

    class Meta:
        verbose_name = _("leerprogramma")
        verbose_name_plural = _("leerprogramma's")

    @property
    def learning_goal_list(self):
        return [line.strip() for line in self.learning_goals.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(page_view("programme_context")(programme=self, request=request))
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


ACTIVITY_LABEL_LENGTH = 300


def short_label(text: str, limit: int = ACTIVITY_LABEL_LENGTH) -> str:
    """A label of at most `limit` characters, cut between words with an ellipsis, never in
    the middle of a word (to-do lists show it)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-–") + "…"


def letter_badge(letter: str) -> str:
    """The one character shown in a module's badge (G, L, A, N, S; or the first letter of a
    longer code such as 'intro')."""
    return letter if len(letter) == 1 else letter[:1].upper()


class ModulePage(CourseTreeRouting, Page):
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
    course_levels = ("glans_courses.LessonPage",)

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
        context = super().get_context(request, *args, **kwargs)
        context.update(page_view("module_context")(module=self, request=request))
        return context


class LessonPage(RoutablePageMixin, CourseTreeRouting, Page):
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
                "label": short_label(label),
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
        context = super().get_context(request, *args, **kwargs)
        context.update(page_view("lesson_context")(lesson=self, request=request))
        return context

    # A trainer guide's printable slides and kit (see trainer_kits.py for the URL shape).
    @path("dias/", name="guide_slides_pdf")
    def slides_pdf(self, request):
        return page_view("guide_pdf")(lesson=self, request=request, kind="slides")

    @path("trainerskit/", name="guide_kit_pdf")
    def kit_pdf(self, request):
        return page_view("guide_pdf")(lesson=self, request=request, kind="kit")


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
