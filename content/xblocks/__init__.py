"""Interactive exercises as XBlocks: a runtime that hosts allow-listed XBlocks (community
blocks from PyPI and GLANS's own, see ``glans_blocks``) inside lesson pages.

The `xblock` library is an optional extra (``pip install glans-learning[xblocks]``): without
it the plugin still imports and the exercise block says it is not available.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings

DEFAULT_XBLOCK_TYPES = (
    "poll",
    "survey",
    "drag-and-drop-v2",
    "freetextresponse",
    "glans-conversation",
    "glans-appreciation",
)


@cache
def xblock_installed() -> bool:
    try:
        import xblock.core  # noqa: F401, PLC0415 - optional: the xblocks extra
        import xblock.runtime  # noqa: F401, PLC0415 - optional: the xblocks extra
    except ImportError:
        return False
    return True


def allowed_types() -> tuple[str, ...]:
    """The XBlock entry-point names lessons may use (setting ``GLANS_XBLOCK_TYPES``)."""
    return tuple(getattr(settings, "GLANS_XBLOCK_TYPES", DEFAULT_XBLOCK_TYPES))


def is_allowed(block_type: str) -> bool:
    return block_type in allowed_types()


def load_class(block_type: str):
    """The XBlock class for an allow-listed, installed type, or None."""
    if not xblock_installed() or not is_allowed(block_type):
        return None
    from xblock.core import XBlock  # noqa: PLC0415 - optional: the xblocks extra

    try:
        return XBlock.load_class(block_type)
    except Exception:  # missing, ambiguous or broken plugin: "not available"
        return None
