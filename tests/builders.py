"""Builders for page trees of any size, through the real material loader."""

from pathlib import Path

from glans_learning.content.material import load_material
from glans_learning.courses.material_loader import load

LESSON = """---
title: Les {n}
slug: les-{n}
estimated_minutes: 10
bronnen:
  - Testbron
---
{text}

::: reflectie
vraag: Wat neem je mee uit les {n}?
:::

::: kennischeck
vraag: Welke is juist in les {n}?
opties:
  - tekst: Deze
    juist: true
    feedback: Goed.
  - tekst: Die
    juist: false
    feedback: Niet goed.
:::
"""

WORDS = (
    "Elke ouder is ervaringsdeskundige van het eigen kind en de leerkracht is regisseur van de "
    "relatie, zodat ouder en school schouder aan schouder werken aan de ontwikkeling van het kind. "
)


def write_programme(
    root: Path,
    *,
    slug="groot",
    modules=1,
    lessons_per_module=5,
    words=400,
    audience="workshop",
    required_sessions=0,
) -> Path:
    programme_dir = root / slug
    programme_dir.mkdir(parents=True)
    (programme_dir / "programme.md").write_text(
        f"---\ntitle: Programma {slug}\nslug: {slug}\naudience: {audience}\nstudy_load_hours: 3\n"
        f"required_sessions: {required_sessions}\nlearning_goals:\n  - Leren.\n---\nOmschrijving.\n"
    )
    text = " ".join([WORDS] * max(1, words // len(WORDS.split())))
    for m in range(1, modules + 1):
        module_dir = programme_dir / f"{m:02d}-module-{m}"
        module_dir.mkdir()
        (module_dir / "module.md").write_text(
            f"---\ntitle: Module {m}\nslug: module-{m}\nletter: G\nestimated_minutes: 30\n---\nInleiding.\n"
        )
        for n in range(1, lessons_per_module + 1):
            number = (m - 1) * lessons_per_module + n
            (module_dir / f"{n:03d}-les-{number}.md").write_text(LESSON.format(n=number, text=text))
    return root


def build_programme(root: Path, **kwargs):
    from glans_learning.courses.models import ProgrammePage

    write_programme(root, **kwargs)
    load(load_material(root))
    return ProgrammePage.objects.get(slug=kwargs.get("slug", "groot"))
