"""Warm-up of a worker before it takes traffic (issue #30, docs/performance.md).

The first request after a deploy would otherwise pay for compiling the templates of the
course pages and for the first render of every exercise type (their templates, Markdown and
translation set-up). ``glans_site/wsgi.py`` calls `warm_up()` once per worker process, after
Django has started; a host site's WSGI module can do the same. Nothing is read from or
written to the database.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

# The page templates learners and staff open most; blocks add their own (below).
TEMPLATES = (
    "glans_core/base.html",
    "glans_courses/lesson_page.html",
    "glans_courses/module_page.html",
    "glans_courses/programme_page.html",
    "glans_courses/programme_index_page.html",
    "glans_courses/my_route.html",
    "glans_courses/team_dashboard.html",
)


# Smallest valid OLX of the project's own exercise types (they require content); the
# installed packages' types render from their defaults.
OLX = {
    "glans-conversation": (
        '<glans-conversation><step id="start" speaker="Ouder"><says>Goedemorgen.</says>'
        '<choice points="2" letter="N"><text>Zullen we straks praten?</text>'
        "<feedback>Je nodigt uit.</feedback></choice>"
        '<choice points="0" letter="G"><text>Nu niet.</text>'
        "<feedback>Je begrenst zonder uit te nodigen.</feedback></choice></step>"
        "</glans-conversation>"
    ),
    "glans-appreciation": (
        "<glans-appreciation><case>Een ouder helpt mee.</case>"
        "<reflection>Wat zag je?</reflection></glans-appreciation>"
    ),
}


def _block_templates():
    from glans_learning.content.blocks import LessonStreamBlock  # noqa: PLC0415 - after app loading

    for block in LessonStreamBlock().child_blocks.values():
        name = getattr(block.meta, "template", None)
        if name:
            yield name


def warm_up() -> float:
    """Compile the main templates and render each allowed exercise type once (a preview:
    nothing is stored). Returns the seconds it took. Never raises: a worker that cannot warm
    up still serves (it logs why and pays on the first request instead)."""
    start = time.perf_counter()
    try:
        _templates()
        _exercises()
    except Exception:
        logger.exception("Warm-up failed; the first requests will be slower")
    took = time.perf_counter() - start
    logger.info("Warm-up done in %.2f s", took)
    return took


def _templates():
    from django.template import TemplateDoesNotExist  # noqa: PLC0415 - after app loading
    from django.template.loader import get_template  # noqa: PLC0415 - after app loading

    for name in (*TEMPLATES, *_block_templates()):
        try:
            get_template(name)
        except TemplateDoesNotExist:  # a host site that overrides and drops one
            continue


def _exercises():
    from glans_learning.content.xblocks import allowed_types, xblock_installed  # noqa: PLC0415 - after app loading

    if not xblock_installed():
        return
    from glans_learning.content.xblocks.render import exercise_render  # noqa: PLC0415 - optional: the xblocks extra

    for block_type in allowed_types():
        exercise_render(
            request=None,
            page=None,
            block_id="",
            states={},
            value={
                "xblock_type": block_type,
                "olx": OLX.get(block_type, f"<{block_type} />"),
            },
        )
