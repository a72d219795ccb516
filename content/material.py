"""Reads the course material under ``content/material/`` (Markdown with YAML front matter and
``:::`` fenced blocks, see the README there) into plain Python data: programmes, modules,
lessons with StreamField data, and worksheets. Pure parsing and validation; building pages
is the job of ``courses`` (its ``load_course_material`` command).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml
from django.core.exceptions import ValidationError

from .material_checks import check_material
from .material_errors import MaterialError
from .xblocks import allowed_types, xblock_installed
from .xblocks.block import validate_exercise

MATERIAL_DIR = Path(__file__).resolve().parent / "material"

PROGRAMME_AUDIENCES = {"tdt", "workshop", "refresher"}
MODULE_LETTERS = {"G", "L", "A", "N", "S", "intro", "implementation"}
SETTINGS = {"PO", "KO", "VO", "IKC"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ORDERED_RE = re.compile(r"^(\d{2,3})-([a-z0-9-]+)$")
FENCE_OPEN = re.compile(r"^:::\s*([a-z_]+)\s*$")
MARKDOWN_EXTENSIONS = ["sane_lists", "tables"]


@dataclass
class Worksheet:
    slug: str
    title: str
    description: str
    body_markdown: str
    source: str
    checksum: str


@dataclass
class Lesson:
    slug: str
    title: str
    order: int
    estimated_minutes: int
    is_trainer_guide: bool
    body: list[dict]
    word_count: int
    source: str
    checksum: str
    sources: list[str] = field(default_factory=list)
    persons: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the learner-facing body as written (front matter excluded), for checks

    @property
    def activity_count(self) -> int:
        return sum(
            1
            for b in self.body
            if b["type"] in {"reflection", "assignment", "knowledge_check", "exercise"}
        )


@dataclass
class Module:
    slug: str
    title: str
    order: int
    letter: str
    learning_goals: list[str]
    intro_html: str
    source: str
    checksum: str
    lessons: list[Lesson] = field(default_factory=list)

    @property
    def estimated_minutes(self) -> int:
        """The module's time is the sum of its lessons' times: one source, so the module and
        its lessons never disagree (a module.md that still states one is not read for it)."""
        return sum(lesson.estimated_minutes for lesson in self.lessons)


@dataclass
class Programme:
    slug: str
    title: str
    audience: str
    study_load_hours: float
    intro: str
    learning_goals: list[str]
    description_html: str
    source: str
    checksum: str
    self_enrolment: bool = False
    required_sessions: int = 0
    practical_assessment: bool = False
    modules: list[Module] = field(default_factory=list)


@dataclass
class Material:
    programmes: list[Programme]
    worksheets: dict[str, Worksheet]


def md_to_html(text: str) -> str:
    return markdown.markdown(text.strip(), extensions=MARKDOWN_EXTENSIONS, output_format="html")


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_front_matter(text: str, source: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        raise MaterialError(f"{source}: front matter (--- … ---) is missing")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise MaterialError(f"{source}: front matter is not closed with ---")
    head = parts[0][3:]
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise MaterialError(f"{source}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise MaterialError(f"{source}: front matter must be a mapping")
    return meta, body


def _require(meta: dict, key: str, source: str, kind=str):
    if key not in meta or meta[key] in (None, ""):
        raise MaterialError(f"{source}: '{key}' is required in the front matter")
    value = meta[key]
    if kind is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise MaterialError(f"{source}: '{key}' must be a whole number") from None
    if kind is float:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise MaterialError(f"{source}: '{key}' must be a number") from None
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MaterialError(f"{source}: '{key}' must be a list of texts")
        return value
    return str(value).strip()


def _slug(meta: dict, source: str) -> str:
    slug = _require(meta, "slug", source)
    if not SLUG_RE.match(slug):
        raise MaterialError(
            f"{source}: slug '{slug}' must be lowercase letters, digits and hyphens"
        )
    return slug


def _stable_id(source: str, index: int) -> str:
    """Block ids stay the same across loads, so saved answers keep pointing at their block."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"glans:{source}#{index}"))


def _yaml_block(kind: str, content: str, source: str, line: int) -> dict:
    try:
        data = yaml.safe_load(content) or {}
    except yaml.YAMLError as exc:
        raise MaterialError(
            f"{source}:{line}: the ':::{kind}' block is not valid YAML: {exc}"
        ) from exc
    if not isinstance(data, dict):
        raise MaterialError(f"{source}:{line}: the ':::{kind}' block must hold key: value pairs")
    return data


def _need(data: dict, key: str, kind: str, source: str, line: int) -> str:
    value = data.get(key)
    if value is None or str(value).strip() == "":
        raise MaterialError(f"{source}:{line}: ':::{kind}' needs '{key}'")
    return str(value).strip()


KNOWN_BLOCKS = {
    "tip",
    "trainernotitie",
    "praktijkvoorbeeld",
    "citaat",
    "reflectie",
    "praktijkopdracht",
    "kennischeck",
    "werkblad",
    "video",
    "oefening",
}


def _fenced_block(kind: str, content: str, source: str, line: int) -> dict:
    if kind not in KNOWN_BLOCKS:
        raise MaterialError(f"{source}:{line}: unknown block type ':::{kind}'")
    if kind == "tip":
        return {"type": "tip", "value": md_to_html(content)}
    if kind == "trainernotitie":
        return {"type": "trainer_note", "value": md_to_html(content)}
    data = _yaml_block(kind, content, source, line)
    if kind == "praktijkvoorbeeld":
        setting = _need(data, "setting", kind, source, line)
        if setting not in SETTINGS:
            raise MaterialError(f"{source}:{line}: setting must be one of {sorted(SETTINGS)}")
        return {
            "type": "practice_example",
            "value": {
                "setting": setting,
                "title": _need(data, "titel", kind, source, line),
                "story": md_to_html(_need(data, "verhaal", kind, source, line)),
            },
        }
    if kind == "citaat":
        return {
            "type": "quote",
            "value": {
                "text": _need(data, "tekst", kind, source, line),
                "source": str(data.get("bron") or ""),
            },
        }
    if kind == "reflectie":
        return {
            "type": "reflection",
            "value": {
                "question": _need(data, "vraag", kind, source, line),
                "help_text": str(data.get("toelichting") or ""),
                "required": bool(data.get("verplicht", True)),
                **_optional_int(data, "minimale_lengte", "min_length", 1, 5000, source, line),
            },
        }
    if kind == "praktijkopdracht":
        return {
            "type": "assignment",
            "value": {
                "title": _need(data, "titel", kind, source, line),
                "instructions": md_to_html(_need(data, "opdracht", kind, source, line)),
                "reflection_question": _need(data, "reflectievraag", kind, source, line),
                "required": bool(data.get("verplicht", True)),
                **_optional_int(data, "minimale_lengte", "min_length", 1, 5000, source, line),
            },
        }
    if kind == "kennischeck":
        options = data.get("opties")
        if not isinstance(options, list) or not 2 <= len(options) <= 6:
            raise MaterialError(f"{source}:{line}: ':::kennischeck' needs 2 to 6 'opties'")
        parsed = []
        for i, option in enumerate(options, 1):
            if not isinstance(option, dict):
                raise MaterialError(f"{source}:{line}: option {i} must have tekst/juist/feedback")
            parsed.append(
                {
                    "text": _need(option, "tekst", kind, source, line),
                    "is_correct": option.get("juist") is True,
                    "feedback": _need(option, "feedback", kind, source, line),
                }
            )
        if sum(o["is_correct"] for o in parsed) != 1:
            raise MaterialError(
                f"{source}:{line}: ':::kennischeck' needs exactly one 'juist: true'"
            )
        return {
            "type": "knowledge_check",
            "value": {
                "question": _need(data, "vraag", kind, source, line),
                "options": parsed,
                "required": bool(data.get("verplicht", True)),
                **_optional_int(data, "pogingen", "max_attempts", 1, 10, source, line),
            },
        }
    if kind == "werkblad":
        return {
            "type": "worksheet",
            "value": {
                "worksheet_slug": _need(data, "werkblad", kind, source, line),
                "description": str(data.get("toelichting") or ""),
            },
        }
    if kind == "video":
        return {
            "type": "video",
            "value": {
                "url": _need(data, "url", kind, source, line),
                "title": _need(data, "titel", kind, source, line),
                "transcript": str(data.get("transcriptie") or ""),
            },
        }
    if kind == "oefening":
        return _exercise_block(data, source, line)
    raise MaterialError(f"{source}:{line}: unknown block type ':::{kind}'")


def _exercise_block(data: dict, source: str, line: int) -> dict:
    """An interactive exercise (XBlock): an allow-listed ``type``, a ``titel`` and its
    ``olx`` definition, validated like the editor validates it on save."""
    kind = "oefening"
    xblock_type = _need(data, "type", kind, source, line)
    if xblock_type not in allowed_types():
        raise MaterialError(
            f"{source}:{line}: ':::oefening' type '{xblock_type}' is not allowed; "
            f"use one of {sorted(allowed_types())}"
        )
    title = _need(data, "titel", kind, source, line)
    if len(title) > 200:
        raise MaterialError(f"{source}:{line}: ':::oefening' titel is longer than 200 characters")
    olx = _need(data, "olx", kind, source, line)
    if xblock_installed():
        try:
            validate_exercise(xblock_type=xblock_type, olx=olx)
        except ValidationError as exc:
            raise MaterialError(
                f"{source}:{line}: ':::oefening' definition (olx) is not valid: "
                + " ".join(str(m) for m in exc.messages)
            ) from None
    return {
        "type": "exercise",
        "value": {
            "xblock_type": xblock_type,
            "title": title,
            "olx": olx,
            "required": bool(data.get("verplicht", True)),
        },
    }


def parse_body(body: str, source: str, *, first_line: int = 1) -> list[dict]:
    """Turn a lesson body into StreamField data: a list of {type, value, id}. Errors name
    lines of the file: `first_line` is the file line the body starts on."""
    blocks: list[dict] = []
    prose: list[str] = []

    def flush_prose():
        text = "\n".join(prose).strip()
        prose.clear()
        if text:
            blocks.append({"type": "text", "value": md_to_html(text)})

    lines = body.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = FENCE_OPEN.match(line.strip())
        if opened:
            flush_prose()
            start = i + 1
            j = start
            while j < len(lines) and lines[j].strip() != ":::":
                if FENCE_OPEN.match(lines[j].strip()):
                    raise MaterialError(
                        f"{source}:{i + first_line}: block ':::{opened.group(1)}' is not closed"
                    )
                j += 1
            if j >= len(lines):
                raise MaterialError(
                    f"{source}:{i + first_line}: block ':::{opened.group(1)}' is not closed"
                )
            blocks.append(
                _fenced_block(opened.group(1), "\n".join(lines[start:j]), source, i + first_line)
            )
            i = j + 1
            continue
        if line.strip() == ":::":
            raise MaterialError(
                f"{source}:{i + first_line}: ':::' closes a block that was never opened"
            )
        heading = re.match(r"^(#{2,3})\s+(.+?)\s*#*$", line)
        if heading:
            flush_prose()
            blocks.append(
                {
                    "type": "heading",
                    "value": {"text": heading.group(2), "level": f"h{len(heading.group(1))}"},
                }
            )
        elif re.match(r"^#\s", line):
            raise MaterialError(
                f"{source}:{i + first_line}: use ## or ### for headings; the title is the h1"
            )
        else:
            prose.append(line)
        i += 1
    flush_prose()
    for index, block in enumerate(blocks):
        block["id"] = _stable_id(source, index)
    return blocks


def _optional_int(data, key, field, low, high, source, line) -> dict:
    """An optional whole-number setting of a block (e.g. 'pogingen: 2'): {} when absent."""
    if data.get(key) is None:
        return {}
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise MaterialError(f"{source}:{line}: '{key}' must be a whole number {low}-{high}")
    return {field: value}


def count_words(body: str) -> int:
    """Words of Dutch text in a lesson body (YAML keys and markup excluded)."""
    text = re.sub(r"^:::.*$", " ", body, flags=re.M)
    text = re.sub(r"<[^>]*>", " ", text)  # exercise definitions (OLX): count the text only
    text = re.sub(
        r"^\s*(-\s*)?(setting|titel|verhaal|tekst|bron|vraag|toelichting|opdracht|reflectievraag|"
        r"opties|juist|feedback|werkblad|url|verplicht|pogingen|minimale_lengte|type|olx):\s*\|?",
        " ",
        text,
        flags=re.M,
    )
    return len(re.findall(r"[A-Za-zÀ-ÿ0-9'’]+", text))


def _ordered_children(path: Path, *, dirs: bool) -> list[tuple[int, Path]]:
    found = []
    for child in sorted(path.iterdir()):
        if child.name.startswith(".") or child.is_dir() != dirs:
            continue
        stem = child.name if dirs else child.stem
        if not dirs and child.suffix != ".md":
            continue
        if not dirs and stem in {"module", "programme"}:
            continue
        match = ORDERED_RE.match(stem)
        if not match:
            raise MaterialError(f"{child}: name must start with a two-digit order, e.g. 01-naam")
        found.append((int(match.group(1)), child))
    return sorted(found, key=lambda item: item[0])


def _read(path: Path, root: Path) -> tuple[dict, str, str, str]:
    source = str(path.relative_to(root))
    text = path.read_text(encoding="utf-8")
    meta, body = split_front_matter(text, source)
    return meta, body, source, _checksum(text)


def _sources(meta: dict, source: str) -> list[str]:
    """The source sections a lesson draws on (``bronnen:``): required, a non-empty list of texts."""
    value = meta.get("bronnen")
    if value is None or value == "" or value == []:
        raise MaterialError(
            f"{source}: 'bronnen' is required in the front matter: list the source sections "
            "this lesson draws on"
        )
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise MaterialError(f"{source}: 'bronnen' must be a list of non-empty texts")
    return [v.strip() for v in value]


def _persons(meta: dict, source: str) -> dict[str, str]:
    """The fictional people a lesson names (``personen:``): first name -> who they are."""
    value = meta.get("personen")
    if value in (None, "", {}, []):
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        raise MaterialError(
            f"{source}: 'personen' must map each first name to who that person is, "
            "e.g. 'Stijn: leerling in klas 2 (vmbo), schoolloopbaanlijn'"
        )
    return {k.strip(): " ".join(v.split()) for k, v in value.items()}


def load_lesson(path: Path, order: int, root: Path) -> Lesson:
    meta, body, source, checksum = _read(path, root)
    text = path.read_text(encoding="utf-8")
    first_line = text[: len(text) - len(body)].count("\n") + 1 if body else 1
    return Lesson(
        slug=_slug(meta, source),
        title=_require(meta, "title", source),
        order=order,
        estimated_minutes=_require(meta, "estimated_minutes", source, int),
        is_trainer_guide=bool(meta.get("trainer_guide", False)),
        body=parse_body(body, source, first_line=first_line),
        word_count=count_words(body),
        source=source,
        checksum=checksum,
        sources=_sources(meta, source),
        persons=_persons(meta, source),
        text=body,
    )


def load_module(path: Path, order: int, root: Path) -> Module:
    meta, body, source, checksum = _read(path / "module.md", root)
    letter = _require(meta, "letter", source)
    if letter not in MODULE_LETTERS:
        raise MaterialError(f"{source}: letter must be one of {sorted(MODULE_LETTERS)}")
    module = Module(
        slug=_slug(meta, source),
        title=_require(meta, "title", source),
        order=order,
        letter=letter,
        learning_goals=meta.get("learning_goals") or [],
        intro_html=md_to_html(body),
        source=source,
        checksum=checksum,
    )
    module.lessons = [load_lesson(p, n, root) for n, p in _ordered_children(path, dirs=False)]
    slugs = [lesson.slug for lesson in module.lessons]
    if len(slugs) != len(set(slugs)):
        raise MaterialError(f"{source}: two lessons share a slug")
    return module


def load_programme(path: Path, root: Path) -> Programme:
    meta, body, source, checksum = _read(path / "programme.md", root)
    audience = _require(meta, "audience", source)
    if audience not in PROGRAMME_AUDIENCES:
        raise MaterialError(f"{source}: audience must be one of {sorted(PROGRAMME_AUDIENCES)}")
    programme = Programme(
        slug=_slug(meta, source),
        title=_require(meta, "title", source),
        audience=audience,
        study_load_hours=_require(meta, "study_load_hours", source, float),
        intro=str(meta.get("intro") or ""),
        learning_goals=_require(meta, "learning_goals", source, list),
        description_html=md_to_html(body),
        source=source,
        checksum=checksum,
        self_enrolment=bool(meta.get("self_enrolment", audience in {"workshop", "refresher"})),
        required_sessions=int(meta.get("required_sessions", 0) or 0),
        practical_assessment=meta.get("praktijktoets", False) is True,
    )
    programme.modules = [load_module(p, n, root) for n, p in _ordered_children(path, dirs=True)]
    return programme


def load_worksheet(path: Path, root: Path) -> Worksheet:
    meta, body, source, checksum = _read(path, root)
    return Worksheet(
        slug=_slug(meta, source),
        title=_require(meta, "title", source),
        description=str(meta.get("description") or ""),
        body_markdown=body,
        source=source,
        checksum=checksum,
    )


def load_material(root: Path | None = None) -> Material:
    """Parse and validate all material. Raises MaterialError on the first mistake."""
    root = Path(root or MATERIAL_DIR)
    worksheets: dict[str, Worksheet] = {}
    sheet_dir = root / "werkbladen"
    if sheet_dir.is_dir():
        for path in sorted(sheet_dir.glob("*.md")):
            sheet = load_worksheet(path, root)
            worksheets[sheet.slug] = sheet
    programmes = []
    for path in sorted(root.iterdir()):
        if path.is_dir() and (path / "programme.md").exists():
            programmes.append(load_programme(path, root))
    for programme in programmes:
        for module in programme.modules:
            for lesson in module.lessons:
                for block in lesson.body:
                    if (
                        block["type"] == "worksheet"
                        and block["value"]["worksheet_slug"] not in worksheets
                    ):
                        raise MaterialError(
                            f"{lesson.source}: worksheet '{block['value']['worksheet_slug']}' "
                            "does not exist in werkbladen/"
                        )
    material = Material(programmes=programmes, worksheets=worksheets)
    check_material(material, root)
    return material
