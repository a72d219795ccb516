"""StreamField blocks that lessons are made of. Each has its own template.

Blocks know nothing about learners. A page that renders them may put into the template
context:
- ``glans_activity_state``: ``{block_id: response}`` with the learner's saved answers;
- ``glans_show_trainer_notes``: whether trainer notes are shown to this user;
- ``glans_activity_url``: a callable-free URL prefix where activity answers are posted.
"""

import random
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from . import activity_views
from .xblocks.block import ExerciseBlock

SETTING_CHOICES = [
    ("PO", _("Basisschool (PO)")),
    ("KO", _("Kinderopvang (KO)")),
    ("VO", _("Voortgezet onderwijs (VO)")),
    ("IKC", _("Integraal kindcentrum (IKC)")),
]

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]

ALLOWED_VIDEO_HOSTS = ("www.youtube-nocookie.com", "player.vimeo.com")

# Reflections and assignments: shorter answers do not count (a "." is not a reflection).
DEFAULT_MIN_ANSWER_LENGTH = 20
# Knowledge checks: how many attempts a learner gets unless the author says otherwise.
DEFAULT_MAX_ATTEMPTS = 1


def min_answer_length(value) -> int:
    """The minimum answer length of a reflection or assignment block value."""
    length = value.get("min_length") if value else None
    return DEFAULT_MIN_ANSWER_LENGTH if length in (None, "") else max(1, int(length))


def max_attempts(value) -> int:
    """How many attempts a knowledge check allows (the attempts policy of the block)."""
    attempts = value.get("max_attempts") if value else None
    return DEFAULT_MAX_ATTEMPTS if attempts in (None, "") else max(1, int(attempts))


def shuffled_options(options, *, seed) -> list[tuple[int, object]]:
    """(original index, option) pairs in an order that is stable per learner and block: the
    same learner always sees the same order, different learners see different orders."""
    pairs = list(enumerate(options))
    random.Random(str(seed)).shuffle(pairs)
    return pairs


class ActivityBlockMixin:
    """Blocks that a learner answers. `activity_kind` names what a response holds."""

    activity_kind = ""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        block_id = parent_context.get("id")
        state = parent_context.get("glans_activity_state") or {}
        context["block_id"] = block_id
        context["response"] = state.get(block_id) if block_id else None
        context["activity_url"] = parent_context.get("glans_activity_url")
        context["activity_kind"] = self.activity_kind
        return context

    def view_variant(self, context) -> tuple:
        """What else, beyond the value and the answer URL, makes this block's unanswered view
        differ between visitors (activity_views.py)."""
        return ()

    def render(self, value, context=None):
        # An unanswered block shows every visitor the same form: rendered once per process.
        template = self.get_template(value, context=context)
        if not template or context is None:
            return super().render(value, context=context)
        new_context = self.get_context(value, parent_context=dict(context))
        key = activity_views.key_for(
            block=self, value=value, context=new_context, variant=self.view_variant(new_context)
        )
        return activity_views.render(
            key=key,
            context=new_context,
            render_view=lambda view_context: mark_safe(  # noqa: S308 - a rendered template
                render_to_string(template, view_context)
            ),
        )


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Tekst"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Niveau"), choices=[("h2", _("Kop 2")), ("h3", _("Kop 3"))], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Kop")
        template = "glans_content/blocks/heading.html"
        preview_value = {"text": "Contact maken", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Afbeelding"))
    alt_text = blocks.CharBlock(
        label=_("Alternatieve tekst"), max_length=250, help_text=_("Beschrijf wat er te zien is.")
    )
    caption = blocks.CharBlock(label=_("Onderschrift"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Afbeelding")
        template = "glans_content/blocks/image.html"
        description = _("Een afbeelding met alternatieve tekst")


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(
        label=_("Embed-adres"),
        help_text=_(
            "Alleen privacyvriendelijke adressen: youtube-nocookie.com of player.vimeo.com."
        ),
    )
    title = blocks.CharBlock(label=_("Titel"), max_length=200)
    transcript = blocks.TextBlock(label=_("Transcriptie"), required=False)

    def clean(self, value):
        value = super().clean(value)

        parsed = urlparse(value.get("url") or "")
        if parsed.scheme != "https" or parsed.hostname not in ALLOWED_VIDEO_HOSTS:
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _(
                            "Gebruik een https-embedadres van youtube-nocookie.com of player.vimeo.com."
                        )
                    )
                }
            )
        return value

    class Meta:
        icon = "media"
        label = _("Video")
        template = "glans_content/blocks/video.html"
        description = _("Een video van youtube-nocookie.com of player.vimeo.com")


class PracticeExampleBlock(blocks.StructBlock):
    setting = blocks.ChoiceBlock(label=_("Setting"), choices=SETTING_CHOICES, default="PO")
    title = blocks.CharBlock(label=_("Titel"), max_length=200)
    story = blocks.RichTextBlock(label=_("Verhaal"), features=RICH_FEATURES)

    class Meta:
        icon = "doc-full"
        label = _("Praktijkvoorbeeld")
        template = "glans_content/blocks/practice_example.html"
        preview_value = {
            "setting": "PO",
            "title": "Het eerste gesprek",
            "story": "<p>Juf Samira nodigt elke ouder uit voor een kennismaking.</p>",
        }


class TipBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_FEATURES, **kwargs)

    class Meta:
        icon = "pick"
        label = _("Tip")
        template = "glans_content/blocks/tip.html"
        preview_value = "<p>Begin het gesprek met een vraag over wat goed gaat.</p>"
        description = _("Een korte praktische tip")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Uitspraak"))
    source = blocks.CharBlock(label=_("Wie zegt het"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Citaat")
        template = "glans_content/blocks/quote.html"
        preview_value = {
            "text": "Elke ouder wil het beste voor zijn kind.",
            "source": "Een leerkracht",
        }
        description = _("Een korte uitspraak met bron")


class ReflectionBlock(ActivityBlockMixin, blocks.StructBlock):
    activity_kind = "reflection"
    question = blocks.TextBlock(label=_("Vraag"))
    help_text = blocks.TextBlock(label=_("Toelichting"), required=False)
    required = blocks.BooleanBlock(
        label=_("Verplicht voor afronding"), required=False, default=True
    )
    min_length = blocks.IntegerBlock(
        label=_("Minimale lengte (tekens)"),
        default=DEFAULT_MIN_ANSWER_LENGTH,
        min_value=1,
        max_value=5000,
        required=False,
        help_text=_("Een antwoord moet minstens zoveel tekens hebben om mee te tellen."),
    )

    class Meta:
        icon = "help"
        label = _("Reflectievraag")
        template = "glans_content/blocks/reflection.html"
        preview_value = {
            "question": "Aan welke ouder denk je als eerste, en waarom?",
            "required": True,
        }
        description = _("Een vraag waarop de lerende privé antwoordt")


class AssignmentBlock(ActivityBlockMixin, blocks.StructBlock):
    activity_kind = "assignment"
    title = blocks.CharBlock(label=_("Titel"), max_length=200)
    instructions = blocks.RichTextBlock(label=_("Opdracht"), features=RICH_FEATURES)
    reflection_question = blocks.TextBlock(label=_("Reflectievraag achteraf"))
    required = blocks.BooleanBlock(
        label=_("Verplicht voor afronding"), required=False, default=True
    )
    min_length = blocks.IntegerBlock(
        label=_("Minimale lengte (tekens)"),
        default=DEFAULT_MIN_ANSWER_LENGTH,
        min_value=1,
        max_value=5000,
        required=False,
        help_text=_("Een antwoord moet minstens zoveel tekens hebben om mee te tellen."),
    )

    class Meta:
        icon = "tasks"
        label = _("Praktijkopdracht")
        template = "glans_content/blocks/assignment.html"
        preview_value = {
            "title": "Drie complimenten",
            "instructions": "<p>Geef deze week drie ouders een compliment over hun kind.</p>",
            "reflection_question": "Wat merkte je?",
            "required": True,
        }
        description = _("Een opdracht voor in de klas, met een reflectie achteraf")


class WorksheetBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Werkblad"))
    description = blocks.TextBlock(label=_("Toelichting"), required=False)

    class Meta:
        icon = "doc-empty"
        label = _("Werkblad")
        template = "glans_content/blocks/worksheet.html"
        description = _("Een downloadbaar werkblad (document)")


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Antwoord"), max_length=400)
    is_correct = blocks.BooleanBlock(label=_("Juist"), required=False)
    feedback = blocks.TextBlock(label=_("Feedback"))


class KnowledgeCheckBlock(ActivityBlockMixin, blocks.StructBlock):
    activity_kind = "knowledge_check"
    question = blocks.TextBlock(label=_("Vraag"))
    options = blocks.ListBlock(OptionBlock(), label=_("Antwoorden"), min_num=2, max_num=6)
    required = blocks.BooleanBlock(
        label=_("Verplicht voor afronding"), required=False, default=True
    )
    max_attempts = blocks.IntegerBlock(
        label=_("Aantal pogingen"),
        default=DEFAULT_MAX_ATTEMPTS,
        min_value=1,
        max_value=10,
        required=False,
        help_text=_(
            "1: de eerste poging telt. Bij meer pogingen telt de laatste; de feedback per "
            "antwoord verschijnt na een goed antwoord of na de laatste poging."
        ),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        learner = (parent_context or {}).get("glans_learner_id")
        response = context.get("response")
        allowed = max_attempts(value)
        used = getattr(response, "attempts", 0) or 0
        finished = bool(response) and (bool(response.is_correct) or used >= allowed)
        context["options"] = shuffled_options(
            value["options"], seed=f"{learner}:{context.get('block_id')}"
        )
        context["max_attempts"] = allowed
        context["attempts_left"] = max(allowed - used, 0)
        context["finished"] = finished
        # A final wrong answer: the right one with its explanation (the attempt counts as given).
        context["correct_option"] = (
            next((option for option in value["options"] if option["is_correct"]), None)
            if finished and not response.is_correct
            else None
        )
        return context

    def view_variant(self, context) -> tuple:
        return tuple(index for index, _option in context["options"])

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["is_correct"])
        if correct != 1:
            raise StructBlockValidationError(
                block_errors={
                    "options": ValidationError(_("Markeer precies één antwoord als juist."))
                }
            )
        return value

    class Meta:
        icon = "list-ul"
        label = _("Kennischeck")
        template = "glans_content/blocks/knowledge_check.html"
        preview_value = {
            "question": "Wie is de ervaringsdeskundige van het kind?",
            "options": [
                {"text": "De ouder", "is_correct": True, "feedback": "Juist."},
                {"text": "De leerkracht", "is_correct": False, "feedback": "Niet helemaal."},
            ],
            "required": True,
        }
        description = _("Meerkeuzevraag met feedback per antwoord")


class TrainerNoteBlock(blocks.RichTextBlock):
    """Only shown to TdT participants and academy trainers (the page decides)."""

    def __init__(self, **kwargs):
        super().__init__(features=RICH_FEATURES, **kwargs)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["visible"] = bool((parent_context or {}).get("glans_show_trainer_notes"))
        return context

    class Meta:
        icon = "user"
        label = _("Trainersnotitie")
        template = "glans_content/blocks/trainer_note.html"
        preview_value = "<p>Laat de collega's dit eerst in tweetallen bespreken.</p>"
        description = _("Alleen zichtbaar voor TdT-deelnemers en trainers")


ACTIVITY_BLOCK_TYPES = ("reflection", "assignment", "knowledge_check")

# Blocks whose HTML depends on nothing but their value, the active language and the pages,
# images and documents they show (no answers, no visitor). A lesson page renders them once per
# published version and language (the lesson_body tag of courses, kept until a page, image or
# document changes); the others (answers, exercises, trainer notes) on every view.
STATIC_BLOCK_TYPES = frozenset(
    {"text", "heading", "video", "practice_example", "tip", "quote", "image", "worksheet"}
)


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Tekst"),
        features=RICH_FEATURES,
        icon="pilcrow",
        template="glans_content/blocks/text.html",
    )
    heading = HeadingBlock()
    image = ImageBlock()
    video = VideoBlock()
    practice_example = PracticeExampleBlock()
    tip = TipBlock()
    quote = QuoteBlock()
    reflection = ReflectionBlock()
    assignment = AssignmentBlock()
    worksheet = WorksheetBlock()
    knowledge_check = KnowledgeCheckBlock()
    trainer_note = TrainerNoteBlock()
    exercise = ExerciseBlock()

    class Meta:
        block_counts = {}
