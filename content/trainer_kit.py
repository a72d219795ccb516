"""Reads a trainer guide (a lesson with ``trainer_guide: true``) into the parts of its trainer
kit: goals, pre-work, timeline, discussion questions, the cards to cut out (case, role,
observation, calibration), the slides, the worksheets and the follow-up check-in.

A guide is ordinary lesson material: ``##`` headings name its parts (see the material README,
"Trainer guides"), the ``## Dia's`` part holds one slide per ``###`` heading. The reader works
on the lesson's body as stored (StreamField data: the loader's dicts, or a page's StreamValue),
so what an editor changes in the admin is what the PDFs show. Pure: no database, no templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# The parts of a guide, by how their ``##`` heading starts (case-insensitive).
SECTION_PREFIXES = (
    ("goals", "doelen"),
    ("prework", "voorwerk"),
    ("timeline", "tijdlijn"),
    ("questions", "gespreksvragen"),
    ("case", "casuskaart"),
    ("role", "rolkaart"),
    ("observation", "observatiekaart"),
    ("calibration", "kalibratiecase"),
    ("slides", "dia"),
    ("worksheets", "werkblad"),
    ("checkin", "check-in"),
)
CARD_KINDS = ("case", "role", "observation", "calibration")
GUIDE_SECTIONS = ("goals", "prework", "timeline", "questions", "checkin")

_SLIDE_HEADING = re.compile(r"^\s*dia\s+(\d+)\s*[–—:-]\s*(.+)$", re.I)
_LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_LIST = re.compile(r"<(ul|ol)>.*?</\1>", re.S)
_LABEL = re.compile(r"^\s*(?:<p>)?\s*<strong>(.+?)</strong>\s*:?\s*", re.S)


@dataclass
class Slide:
    number: int
    title: str
    html: str


@dataclass
class Card:
    kind: str  # case | role | observation | calibration
    label: str
    html: str


@dataclass
class KitSection:
    key: str
    title: str
    html: str


@dataclass
class KitWorksheet:
    title: str
    description: str
    url: str = ""


@dataclass
class TrainerKit:
    title: str
    intro_html: str = ""
    sections: dict[str, KitSection] = field(default_factory=dict)
    slides: list[Slide] = field(default_factory=list)
    cards: dict[str, list[Card]] = field(default_factory=dict)
    # The text around each card set (instructions, the calibration answers): for the trainer.
    card_notes: dict[str, KitSection] = field(default_factory=dict)
    worksheets: list[KitWorksheet] = field(default_factory=list)
    trainer_notes: list[str] = field(default_factory=list)

    @property
    def guide_sections(self) -> list[KitSection]:
        return [self.sections[key] for key in GUIDE_SECTIONS if key in self.sections]

    @property
    def card_count(self) -> int:
        return sum(len(cards) for cards in self.cards.values())


def section_key(heading: str) -> str | None:
    text = heading.strip().lower()
    for key, prefix in SECTION_PREFIXES:
        if text.startswith(prefix):
            return key
    return None


def _html(value) -> str:
    """Rich text as HTML: a loader string as is, a Wagtail RichText expanded (links)."""
    return str(value).strip()


def _items(html: str) -> list[str]:
    return [item.strip() for item in _LIST_ITEM.findall(html)]


def _without_lists(html: str) -> str:
    return _LIST.sub("", html).strip()


def _card(kind: str, item_html: str, number: int) -> Card:
    label = ""
    match = _LABEL.match(item_html)
    if match:
        label = re.sub(r"<[^>]+>", "", match.group(1)).strip().rstrip(":")
        opened_paragraph = match.group(0).lstrip().startswith("<p>")
        item_html = ("<p>" if opened_paragraph else "") + item_html[match.end() :]
    elif kind == "calibration":
        label = str(number)
    return Card(kind=kind, label=label, html=item_html.strip())


def _blocks(body) -> Iterable[tuple[str, object]]:
    for block in body:
        if isinstance(block, dict):
            yield block["type"], block["value"]
        else:  # a StreamValue child
            yield block.block_type, block.value


def read_trainer_kit(*, title: str, body, worksheet_url=None) -> TrainerKit:
    """The kit of a trainer guide. `body` is the lesson's StreamField content; `worksheet_url`
    (optional) turns a worksheet block's value into a download URL."""
    kit = TrainerKit(title=title)
    texts: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    current: str | None = None
    slide: Slide | None = None
    for block_type, value in _blocks(body):
        if block_type == "heading":
            text, level = str(value.get("text", "")), value.get("level", "h2")
            if level == "h2":
                current = section_key(text) or f"other:{text}"
                titles.setdefault(current, text)
                slide = None
                continue
            if current == "slides":
                match = _SLIDE_HEADING.match(text)
                number = int(match.group(1)) if match else len(kit.slides) + 1
                slide = Slide(number=number, title=match.group(2) if match else text, html="")
                kit.slides.append(slide)
                continue
            texts.setdefault(current or "intro", []).append(f"<h3>{text}</h3>")
            continue
        if block_type == "trainer_note":
            kit.trainer_notes.append(_html(value))
            continue
        if block_type == "worksheet":
            document = value.get("document") if hasattr(value, "get") else None
            name = getattr(document, "title", None) or value.get("worksheet_slug", "")
            url = worksheet_url(value) if worksheet_url and document is not None else ""
            kit.worksheets.append(
                KitWorksheet(
                    title=str(name), description=str(value.get("description", "")), url=url
                )
            )
            continue
        if block_type != "text":
            continue
        if current == "slides":
            if slide is not None:  # text before the first slide explains the part: skipped
                slide.html += _html(value)
            continue
        texts.setdefault(current or "intro", []).append(_html(value))
    kit.intro_html = "\n".join(texts.pop("intro", []))
    for key, parts in texts.items():
        html = "\n".join(parts)
        title = titles.get(key, key)
        if key in CARD_KINDS:
            items = _items(html)
            if key == "observation":
                cards = (
                    [Card(kind=key, label="", html=_LIST.search(html).group(0))] if items else []
                )
            else:
                cards = [_card(key, item, n) for n, item in enumerate(items, 1)]
            kit.cards[key] = cards
            notes = _without_lists(html)
            if notes:
                kit.card_notes[key] = KitSection(key=key, title=title, html=notes)
            kit.sections[key] = KitSection(key=key, title=title, html=html)
        elif not key.startswith("other:"):
            kit.sections[key] = KitSection(key=key, title=title, html=html)
    return kit
