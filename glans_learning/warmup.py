"""Warm-up of a worker before it takes traffic (issue #30, docs/performance.md).

The first request after a deploy would otherwise pay for compiling the templates of the
course pages and for the first render of every exercise type (their templates, Markdown and
translation set-up). ``glans_site/wsgi.py`` calls `warm_up()` once per worker process, after
Django has started; a host site's WSGI module can do the same. Nothing is read from or
written to the database.

Last, the worker's garbage collector is tuned (`tune_gc`, setting ``GLANS_GC_THRESHOLDS``):
what start-up and the warm-up loaded (modules, compiled templates, catalogues) is frozen out
of every later collection, and a collection of young objects starts after 50,000 new ones
instead of Python's 700. A course page creates a few thousand objects and frees nearly all of
them itself when the request ends, so with Python's threshold most requests paid for a
collection that found little; a full collection walked everything the worker had loaded.
"""

from __future__ import annotations

import gc
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
    tune_gc()
    return took


def gc_thresholds() -> tuple[int, ...] | None:
    """``GLANS_GC_THRESHOLDS`` as gc.set_threshold's arguments, or None to leave the
    collector alone (unset, empty or "off"). Raises ValueError for anything else."""
    from django.conf import settings  # noqa: PLC0415 - after app loading

    value = getattr(settings, "GLANS_GC_THRESHOLDS", None)
    if value is None or value is False:
        return None
    if isinstance(value, str):
        value = value.split(",")
    elif isinstance(value, int) and value is not True:
        value = [value]
    try:
        parts = [str(part).strip() for part in value if str(part).strip()]
    except TypeError as error:  # not a list of values
        raise ValueError(value) from error
    if not parts or [part.lower() for part in parts] == ["off"]:
        return None
    numbers = tuple(int(part) for part in parts)  # ValueError for anything but whole numbers
    if not 1 <= len(numbers) <= 3 or numbers[0] < 1 or min(numbers) < 0:
        raise ValueError(value)
    return numbers


def tune_gc() -> bool:
    """Freeze what the worker has loaded and raise the young-object threshold (see above).
    Returns whether it did; a bad setting is logged and leaves Python's defaults."""
    try:
        thresholds = gc_thresholds()
    except ValueError:
        logger.error(
            "GLANS_GC_THRESHOLDS must be one to three whole numbers (the first at least 1) or "
            '"off"; the garbage collector keeps its defaults'
        )
        return False
    if thresholds is None:
        return False
    gc.collect()
    gc.freeze()  # start-up's objects: never collected again, and never walked again
    gc.set_threshold(*thresholds)
    return True


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
