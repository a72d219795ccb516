"""Reads of trainer guides: which guides a team lead may plan from, where a guide sits in its
programme, and the guide's timeline (the table under its "Tijdlijn" heading) as steps for the
presenter view."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from ..models import LessonPage, ModulePage, ProgrammePage
from ..trainer_kits import trainer_kit_urls

_RANGE = re.compile(r"^\s*(\d{1,3})\s*[–\-—]\s*(\d{1,3})\s*$")


@dataclass(frozen=True)
class TimelineStep:
    start: int  # minutes from the start of the session
    end: int
    title: str
    who: str

    @property
    def minutes(self) -> int:
        return self.end - self.start


class _Tables(HTMLParser):
    """Collects the cell texts of every table row in a piece of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _rows(html: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    return parser.rows


def guide_timeline(guide: LessonPage) -> list[TimelineStep]:
    """The steps of the guide's timeline: rows "0–10 | Opening … | directeur" of the first table
    after a heading that starts with "Tijdlijn". Empty when the guide has none."""
    after_heading = False
    for block in guide.body:
        if block.block_type == "heading":
            after_heading = str(block.value.get("text", "")).strip().lower().startswith("tijdlijn")
            continue
        if not after_heading or block.block_type != "text":
            continue
        steps = []
        for cells in _rows(
            str(block.value.source if hasattr(block.value, "source") else block.value)
        ):
            match = _RANGE.match(cells[0]) if cells else None
            if match is None:
                continue
            start, end = int(match.group(1)), int(match.group(2))
            if end <= start:
                continue
            steps.append(
                TimelineStep(
                    start=start,
                    end=end,
                    title=cells[1] if len(cells) > 1 else "",
                    who=cells[2] if len(cells) > 2 else "",
                )
            )
        if steps:
            return steps
    return []


_SLIDE_REFERENCE = re.compile(r"\bdia(?:'s)?\s+(\d+)(?:\s*[–-]\s*(\d+))?", re.IGNORECASE)


def step_slide_numbers(title: str) -> list[int]:
    """The slides a timeline step names ("… (dia 1–2)", "(dia 3)"), as numbers."""
    numbers: list[int] = []
    for match in _SLIDE_REFERENCE.finditer(title or ""):
        first = int(match.group(1))
        last = int(match.group(2) or first)
        numbers += [n for n in range(first, min(last, first + 20) + 1) if n not in numbers]
    return numbers


def guide_minutes(guide: LessonPage) -> int:
    """How long a session with this guide takes: the end of its timeline, else 90 minutes."""
    steps = guide_timeline(guide)
    return max((step.end for step in steps), default=90)


def guide_place(guide: LessonPage) -> tuple[ProgrammePage | None, ModulePage | None]:
    """The programme and module a guide belongs to."""
    module = ModulePage.objects.filter(path=guide.path[: -LessonPage.steplen]).first()
    programme = ProgrammePage.objects.filter(path=guide.path[: -2 * LessonPage.steplen]).first()
    return programme, module


def trainer_guides():
    """Live trainer guides in tree order (programme, module, lesson)."""
    return LessonPage.objects.live().filter(is_trainer_guide=True).order_by("path")


def guide_kit_links(guide: LessonPage, *, user, request=None) -> list[dict]:
    """The printable kit of a guide (slides and trainer kit as PDF) as [{"title", "href"}], for
    those who may use it; empty for everyone else or when PDFs can't be made here."""
    urls = trainer_kit_urls(lesson=guide, user=user, request=request)
    if not urls or not urls.available:
        return []
    return [
        {"title": _("Dia's (PDF, één dia per pagina)"), "href": urls.slides},
        {"title": _("Trainerskit (PDF): draaiboek en knipkaarten"), "href": urls.kit},
    ]
