"""Consistency checks over the whole course material, run by ``load_material`` after parsing,
so a mistake stops the load like any other (``MaterialError`` naming the file):

- **no source labels in learner text**: the internal names of the source documents ("seed
  004", file names), issue numbers and writer's notes never reach learners; the
  ``bronnen:`` front matter is internal and may name them;
- **one first name, one person**: every lesson lists the fictional people it names in
  ``personen:`` (first name -> who they are). A name listed by two lessons must describe the
  same person; a name listed anywhere must be listed by every lesson that uses it; a name a
  lesson introduces with a role word ("mentor Daan", "juf Merel") must be listed;
- **bronnen match what the lesson uses** (when the material has a ``bronnen.yml`` index):
  each ``bronnen:`` entry names a source by its label and one or more sections of the
  index; for every section it names, the lesson uses at least one of that section's
  ``termen``; and a lesson that uses a section's ``kenmerkend`` term (a term only that
  section supplies) lists that section.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .material_errors import MaterialError

GENERAL_KNOWLEDGE = "Algemene kennis (niet uit de bronnen):"

SOURCE_LABEL_PATTERNS = [
    (re.compile(r"\bseeds?\b", re.I), "an internal source label ('seed')"),
    (re.compile(r"\b\d{3}_[0-9a-f]{8,}\b"), "a source file name"),
    (re.compile(r"\b[\w-]+\.txt\b"), "a file name"),
    (re.compile(r"\bissue\s*#?\d+", re.I), "an issue number"),
    (re.compile(r"\b(?:TODO|FIXME|XXX)\b"), "a writer's note"),
]

# Words that introduce a person by first name: "mentor Daan", "juf Merel", "moeder van Stijn".
ROLE_WORDS = (
    r"juf|meester|mentor|mentoren|collega|teamleider|directeur|docent|docente|leerling|"
    r"leerkracht|pedagogisch medewerker|medewerker|IB'er|intern begeleider|trainer|"
    r"coördinator|moeder van|vader van|ouders van|oma van|opa van|broer|zus|zoon|dochter|"
    r"Expertgroeplid|bestuurder|conciërge"
)
INTRODUCED_NAME = re.compile(rf"\b(?i:{ROLE_WORDS})[ \t]+([A-Z][a-zà-ÿ]+)\b")


def _name_re(name: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?:'?s)?(?![\w-])")


def _learner_texts(material):
    """(file, text) pairs of everything a learner or trainee reads."""
    for programme in material.programmes:
        yield (
            programme.source,
            "\n".join(
                [
                    programme.title,
                    programme.intro,
                    programme.description_html,
                    *programme.learning_goals,
                ]
            ),
        )
        for module in programme.modules:
            yield (
                module.source,
                "\n".join([module.title, module.intro_html, *module.learning_goals]),
            )
            for lesson in module.lessons:
                yield lesson.source, lesson.title + "\n" + lesson.text
    for sheet in material.worksheets.values():
        yield sheet.source, "\n".join([sheet.title, sheet.description, sheet.body_markdown])


def check_source_labels(material) -> None:
    for source, text in _learner_texts(material):
        for pattern, what in SOURCE_LABEL_PATTERNS:
            found = pattern.search(text)
            if found:
                line = text[: found.start()].count("\n") + 1
                raise MaterialError(
                    f"{source}: learner text contains {what} ({found.group(0)!r}, line {line} "
                    "of the text): name sources in bronnen: only"
                )


def _lessons(material):
    for programme in material.programmes:
        for module in programme.modules:
            yield from module.lessons


def check_persons(material) -> None:
    declared: dict[str, tuple[str, str]] = {}  # name -> (description, first lesson)
    for lesson in _lessons(material):
        for name, description in lesson.persons.items():
            if not _name_re(name).search(lesson.text):
                raise MaterialError(
                    f"{lesson.source}: personen lists {name!r}, but the lesson never names them"
                )
            if name in declared and declared[name][0] != description:
                other_description, other = declared[name]
                raise MaterialError(
                    f"{lesson.source}: the first name {name!r} is used for two people: "
                    f"{description!r} here and {other_description!r} in {other}; "
                    "give one of them another name"
                )
            declared.setdefault(name, (description, lesson.source))
    for lesson in _lessons(material):
        for found in INTRODUCED_NAME.finditer(lesson.text):
            name = found.group(1)
            if name not in lesson.persons:
                raise MaterialError(
                    f"{lesson.source}: {found.group(0)!r} names a person who is not in the "
                    "lesson's personen: list (first name: who they are)"
                )
        for name, (_description, first) in declared.items():
            if name not in lesson.persons and _name_re(name).search(lesson.text):
                raise MaterialError(
                    f"{lesson.source}: uses the first name {name!r}, which {first} gives to "
                    "someone else, without listing it in personen:; use another name, or list "
                    "it with the same description if it is the same person"
                )


def load_sources_index(root: Path) -> dict | None:
    path = Path(root) / "bronnen.yml"
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise MaterialError(f"bronnen.yml is not valid YAML: {exc}") from exc
    sources = data.get("bronnen")
    sections = data.get("secties")
    if not isinstance(sources, dict) or not isinstance(sections, list):
        raise MaterialError("bronnen.yml needs 'bronnen' (a mapping) and 'secties' (a list)")
    ids = set()
    for section in sections:
        sid = section.get("id") if isinstance(section, dict) else None
        if not sid or sid in ids:
            raise MaterialError(f"bronnen.yml: section {sid!r} has no id or a duplicate id")
        ids.add(sid)
        if section.get("bron") not in sources:
            raise MaterialError(f"bronnen.yml: section {sid!r} names an unknown source")
        if not section.get("vermelding") or not section.get("termen"):
            raise MaterialError(f"bronnen.yml: section {sid!r} needs 'vermelding' and 'termen'")
        section["_mention"] = re.compile(section["vermelding"], re.I)
    return {"bronnen": sources, "secties": sections}


def sections_named(entry: str, index: dict, source: str) -> list[dict]:
    """The index sections a ``bronnen:`` entry names; a MaterialError when it names none."""
    for key, info in index["bronnen"].items():
        label = info["label"]
        if entry.startswith(label):
            rest = entry[len(label) :]
            found = [s for s in index["secties"] if s["bron"] == key and s["_mention"].search(rest)]
            if not found:
                raise MaterialError(
                    f"{source}: bronnen entry {entry!r} names no section of {label} in the "
                    "sources index (bronnen.yml)"
                )
            return found
    raise MaterialError(
        f"{source}: bronnen entry {entry!r} starts with no known source label "
        f"({', '.join(i['label'] for i in index['bronnen'].values())}) and is not "
        f"'{GENERAL_KNOWLEDGE} …'"
    )


def _uses(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(str(term))}", text, re.I) is not None


def check_sources(material, index: dict) -> None:
    for lesson in _lessons(material):
        listed: set[str] = set()
        for entry in lesson.sources:
            if entry.startswith(GENERAL_KNOWLEDGE):
                continue
            for section in sections_named(entry, index, lesson.source):
                listed.add(section["id"])
                if not any(_uses(lesson.text, term) for term in section["termen"]):
                    raise MaterialError(
                        f"{lesson.source}: bronnen lists section {section['id']!r} "
                        f"({entry!r}), but the lesson uses none of its terms "
                        f"{section['termen']}"
                    )
        for section in index["secties"]:
            if section["id"] in listed:
                continue
            for term in section.get("kenmerkend") or []:
                if _uses(lesson.text, term):
                    raise MaterialError(
                        f"{lesson.source}: uses {term!r} from section {section['id']!r} "
                        f"({index['bronnen'][section['bron']]['label']}, "
                        f"{section.get('titel', '')}) but bronnen does not list that section"
                    )


# Statements about privacy law are general knowledge, not from the sources: where the text makes
# them, it says so to the learner, and a lesson lists them as such in bronnen:.
LAW_TERMS = re.compile(r"\bAVG\b|\bprivacywet|\bbewaartermijn|\bgegevensbeschermingswet")
GENERAL_KNOWLEDGE_MARK = re.compile(r"algemene kennis", re.I)


def check_general_knowledge(material) -> None:
    for source, text in _learner_texts(material):
        if LAW_TERMS.search(text) and not GENERAL_KNOWLEDGE_MARK.search(text):
            raise MaterialError(
                f"{source}: makes statements about privacy law ({LAW_TERMS.search(text).group(0)!r}) "
                "without marking them as general knowledge (not from the sources) for the learner"
            )
    for lesson in _lessons(material):
        if LAW_TERMS.search(lesson.text) and not any(
            e.startswith(GENERAL_KNOWLEDGE) for e in lesson.sources
        ):
            raise MaterialError(
                f"{lesson.source}: makes statements about privacy law but bronnen has no "
                f"'{GENERAL_KNOWLEDGE} …' entry"
            )


def check_material(material, root: Path) -> None:
    check_source_labels(material)
    check_general_knowledge(material)
    check_persons(material)
    index = load_sources_index(root)
    if index is not None:
        check_sources(material, index)
