"""The "Interactive exercise" StreamField block: an allow-listed XBlock and its OLX."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from . import allowed_types, load_class, unavailable_html, xblock_installed


def xblock_type_choices():
    """(type, label) of every allowed type; the block's choice field asks for them whenever a
    stored value is read, so they are worked out once per set of types and language."""
    key = (allowed_types(), get_language())
    found = _CHOICES.get(key)
    if found is None:
        choices = []
        for name in key[0]:
            block_class = load_class(name)
            label = name
            if block_class is not None:
                display = getattr(block_class, "display_name", None)
                default = getattr(display, "default", None)
                if default:
                    label = f"{default} ({name})"
            choices.append((name, label))
        found = _CHOICES[key] = tuple(choices)
    return list(found)


_CHOICES: dict = {}


def olx_error_message(exc) -> str:
    code = str(exc)
    messages = {
        "empty": _("Vul de definitie (OLX) van de oefening in."),
        "length": _("De definitie is te lang (maximaal 100.000 tekens)."),
        "doctype": _("Een DOCTYPE of ENTITY is niet toegestaan in de definitie."),
        "children": _("Dit type oefening kan geen andere oefeningen bevatten."),
        "type": _("Dit type oefening is op deze site niet beschikbaar."),
        "asides": _("Dit type oefening kan geen andere oefeningen bevatten."),
    }
    if code in messages:
        return messages[code]
    if code == "tag":
        return _("De definitie moet beginnen met het element van het gekozen type.")
    if code.startswith("syntax:"):
        return _("De definitie is geen geldige XML: %(error)s") % {"error": code[7:]}
    return _("De definitie past niet bij dit type oefening: %(error)s") % {"error": code}


def validate_exercise(*, xblock_type: str, olx: str) -> None:
    """Parse and render the OLX in a read-only runtime; a ValidationError (Dutch) says why
    it cannot be used."""
    if not xblock_installed() or load_class(xblock_type) is None:
        raise ValidationError(_("Dit type oefening is op deze site niet beschikbaar."))
    # The runtime needs the xblock library (the `xblocks` extra): imported only when it is there.
    from .runtime import GlansRuntime, OlxError  # noqa: PLC0415 - optional xblock extra

    runtime = GlansRuntime(
        user=None,
        page_id=0,
        block_id="validate",
        block_type=xblock_type,
        persist=False,
        preview=True,
        database=False,  # validation reads and writes no learner state
    )
    try:
        block = runtime.load_block(olx)
        runtime.render(block, "student_view", {})
    except OlxError as exc:
        raise ValidationError(olx_error_message(exc)) from None
    except Exception as exc:  # the block's own parser or view rejected it
        raise ValidationError(
            olx_error_message(type(exc).__name__ + ": " + str(exc)[:300])
        ) from None


class XBlockTypeChoiceBlock(blocks.ChoiceBlock):
    """The exercise's type. A stored type is a string, which is its own choice key: read as
    it is, without Wagtail's search of the choice list (the allowed types, each time a
    lesson with exercises is read). Deconstructs as a plain ChoiceBlock (no migration)."""

    def to_python(self, value):
        if isinstance(value, str):
            return value
        return super().to_python(value)


class ExerciseBlock(blocks.StructBlock):
    xblock_type = XBlockTypeChoiceBlock(
        label=gettext_lazy("Type oefening"), choices=xblock_type_choices
    )
    title = blocks.CharBlock(label=gettext_lazy("Titel"), max_length=200)
    olx = blocks.TextBlock(
        label=gettext_lazy("Definitie (OLX)"),
        help_text=gettext_lazy(
            "De XML-definitie van de oefening, met het type als buitenste element, "
            'bijvoorbeeld <poll question="…">.'
        ),
    )
    required = blocks.BooleanBlock(
        label=gettext_lazy("Verplicht voor afronding"), required=False, default=True
    )

    def clean(self, value):
        value = super().clean(value)
        try:
            validate_exercise(
                xblock_type=value.get("xblock_type") or "", olx=value.get("olx") or ""
            )
        except ValidationError as exc:
            raise StructBlockValidationError(block_errors={"olx": exc}) from None
        return value

    def render(self, value, context=None):
        if not xblock_installed():  # no runtime without the xblocks extra: the notice
            return mark_safe(unavailable_html("not_installed"))  # noqa: S308 - our template
        context = context or {}
        # The renderer needs the xblock library (the `xblocks` extra): imported only with it.
        from .render import exercise_render  # noqa: PLC0415 - optional xblock extra

        html = exercise_render(
            request=context.get("request"),
            page=context.get("page"),
            block_id=context.get("id") or "",
            value=value,
        )
        return mark_safe(html)  # noqa: S308 - rendered from escaped templates

    class Meta:
        icon = "code"
        label = gettext_lazy("Interactieve oefening")
        description = gettext_lazy("Een interactieve oefening (XBlock) van een toegestaan type")
