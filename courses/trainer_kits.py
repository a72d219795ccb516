"""A trainer guide's printable material: its slides and its trainer kit as PDF.

URLs (stable; other screens link to them through ``trainer_kit_urls``):

    <guide page URL>dias/          the slides (PDF), one landscape slide per page
    <guide page URL>trainerskit/   the kit (PDF): goals, pre-work, timeline, questions,
                                   check-in, and the case, role, observation and
                                   calibration cards to cut out

(Wagtail serves page paths of letters, digits and hyphens only, hence no ``.pdf`` in the
URL; the download's file name ends in ``.pdf``, e.g. ``dias-n-naast-elkaar.pdf``.)

Both are routes of the guide page (``LessonPage``, a RoutablePageMixin), so the page's view
restrictions apply; on top of that only ``permissions.can_use_trainer_kit`` may download them.
A PDF is rendered once per live revision of the guide and kept in ``TrainerGuidePdf``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from glans_learning.content.trainer_kit import CARD_KINDS, TrainerKit, read_trainer_kit
from glans_learning.core.pdf import html_to_pdf, pdf_available
from glans_learning.organisations import permissions

from .models import GuidePdfKind, LessonPage, ModulePage, TrainerGuidePdf, letter_badge

SLIDES_ROUTE = "dias/"
KIT_ROUTE = "trainerskit/"
ROUTES = {GuidePdfKind.SLIDES: SLIDES_ROUTE, GuidePdfKind.KIT: KIT_ROUTE}
CARDS_PER_PAGE = 4
OBSERVATION_COPIES = 4  # one sheet of observation cards: one per observer


@dataclass(frozen=True)
class TrainerKitUrls:
    slides: str
    kit: str
    available: bool  # False: WeasyPrint is not installed, show a message instead of links


def trainer_kit_urls(*, lesson, user, request=None) -> TrainerKitUrls | None:
    """The download URLs of a trainer guide's slides and kit for `user`, or None when the page
    is no trainer guide or the user may not use its kit. One place for every screen that links
    to them (the guide page, the team-session mode)."""
    if not getattr(lesson, "is_trainer_guide", False) or not permissions.can_use_trainer_kit(user):
        return None
    base = lesson.get_url(request=request) or ""
    if not base.endswith("/"):
        base += "/"
    return TrainerKitUrls(
        slides=base + SLIDES_ROUTE, kit=base + KIT_ROUTE, available=pdf_available()
    )


def guide_kit(*, lesson: LessonPage) -> TrainerKit:
    return read_trainer_kit(title=lesson.title, body=lesson.body, worksheet_url=_worksheet_url)


def _worksheet_url(value) -> str:
    document = value.get("document")
    return getattr(document, "url", "") or ""


def guide_module(*, lesson: LessonPage):
    return ModulePage.objects.filter(pk=lesson.get_parent().pk).first()


def pdf_filename(*, lesson: LessonPage, kind: str) -> str:
    module = guide_module(lesson=lesson)
    stem = "dias" if kind == GuidePdfKind.SLIDES else "trainerskit"
    return f"{stem}-{module.slug if module else lesson.slug}.pdf"


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def render_guide_html(*, lesson: LessonPage, kind: str) -> str:
    kit = guide_kit(lesson=lesson)
    module = guide_module(lesson=lesson)
    context = {
        "kit": kit,
        "lesson": lesson,
        "module": module,
        "letter": letter_badge(module.letter) if module else "",
    }
    if kind == GuidePdfKind.SLIDES:
        template = "glans_courses/pdf/slides.html"
    else:
        template = "glans_courses/pdf/trainer_kit.html"
        cards = []
        for card_kind in CARD_KINDS:
            found = kit.cards.get(card_kind, [])
            if card_kind == "observation" and found:
                found = found * OBSERVATION_COPIES
            cards.extend(found)
        context["card_pages"] = _chunks(cards, CARDS_PER_PAGE)
    # Course material is Dutch: the PDF's own labels too, whatever the reader's language.
    with translation.override("nl"):
        return render_to_string(template, context)


def render_guide_pdf(*, lesson: LessonPage, kind: str) -> bytes:
    return html_to_pdf(render_guide_html(lesson=lesson, kind=kind))


def trainer_guide_pdf(*, lesson: LessonPage, kind: str) -> bytes:
    """The PDF of a guide's slides or kit, rendered once per live revision and kept. Raises
    PdfUnavailable when WeasyPrint is not installed."""
    revision_id = lesson.live_revision_id or lesson.latest_revision_id
    kept = TrainerGuidePdf.objects.filter(page=lesson, kind=kind).only("revision_id", "pdf").first()
    if kept is not None and kept.revision_id == revision_id and kept.pdf:
        return bytes(kept.pdf)
    pdf = render_guide_pdf(lesson=lesson, kind=kind)
    try:
        with transaction.atomic():
            TrainerGuidePdf.objects.update_or_create(
                page=lesson, kind=kind, defaults={"revision_id": revision_id, "pdf": pdf}
            )
    except IntegrityError:
        pass  # a simultaneous first download stored it: this one is just as good
    return pdf
