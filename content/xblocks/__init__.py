"""Interactive exercises as XBlocks: a runtime that hosts allow-listed XBlocks (community
blocks from PyPI and GLANS's own, see ``glans_blocks``) inside lesson pages.

The `xblock` library is an optional extra (``pip install glans-learning[xblocks]``): without
it the plugin still imports and the exercise block says it is not available.
"""

from __future__ import annotations

import sys
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import render_to_string

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


def package_of(block_class) -> str:
    """The package an XBlock class ships its resources in (needs no xblock library: the
    staticfiles finder asks it while collecting, also on a site without the extra)."""
    module = sys.modules.get(block_class.__module__)
    return getattr(module, "__package__", None) or block_class.__module__.rpartition(".")[0]


def unavailable_html(reason: str) -> str:
    """The friendly notice an exercise shows instead of itself ("not available on this
    site", "misconfigured", "error"); renders without the xblock library."""
    return render_to_string("glans_content/xblocks/unavailable.html", {"reason": reason})


def allowed_types() -> tuple[str, ...]:
    """The XBlock entry-point names lessons may use: ``GLANS_XBLOCK_TYPES`` (which replaces
    the defaults) or the defaults, plus ``GLANS_XBLOCK_EXTRA_TYPES`` (which extends them).
    Worked out once (a lesson with exercises asks dozens of times per view) and again when a
    setting changes (tests)."""
    found = _ALLOWED.get("types")
    if found is None:
        types = tuple(getattr(settings, "GLANS_XBLOCK_TYPES", DEFAULT_XBLOCK_TYPES))
        extra = tuple(getattr(settings, "GLANS_XBLOCK_EXTRA_TYPES", ()))
        found = _ALLOWED["types"] = types + tuple(name for name in extra if name not in types)
    return found


_ALLOWED: dict = {}


def _settings_changed(*, setting, **kwargs):
    if setting in ("GLANS_XBLOCK_TYPES", "GLANS_XBLOCK_EXTRA_TYPES"):
        _ALLOWED.clear()


setting_changed.connect(_settings_changed, dispatch_uid="glans_xblock_types")


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


def reports_completion(block_type: str) -> bool:
    """Whether an exercise of this type can ever complete here: the type is installed and
    allowed, and the block says it reports a result (``has_score``, or a custom completion)
    in the "completable" completion mode. Display-only blocks (an embedded document) and
    types this site cannot run never count as required for a lesson's completion."""
    block_class = load_class(block_type)
    if block_class is None:
        return False
    mode = getattr(block_class, "completion_mode", "completable")
    if mode != "completable":
        return False
    return bool(
        getattr(block_class, "has_score", False)
        or getattr(block_class, "has_custom_completion", False)
    )
