"""Rendered activity blocks kept for learners who have not answered them yet (issue #30).

A reflection, practice assignment or knowledge check that the visitor has not answered
shows the same HTML to everyone: the empty form, built from what the author wrote. Such a
view is rendered once per process and reused, keyed on everything its template reads:

- the block type and id, and a digest of the block's value (an edit, once published,
  changes the key; a draft is a different value);
- the URL the answer is posted to (the lesson, the script prefix, and whether the visitor is
  signed in: without it the block asks them to log in);
- the order of a knowledge check's options (shuffled per learner, so a handful of orders);
- the language.

Never kept, so always rendered for the visitor:

- a block the visitor has answered (their answer, attempts, feedback);
- previews, and renders without a request;
- a block whose value links to a page or embeds media: a link's URL changes when the page
  it names moves, which the value's digest does not see;
- a render without a CSRF token; with one, the view is kept with a placeholder and each
  response gets its own token;
- block types outside ``GLANS_CACHED_ACTIVITY_BLOCKS`` (by default the three shipped
  ones). A site that overrides their templates to show something per visitor sets it to
  ``()``.
"""

from __future__ import annotations

import hashlib
import json
import secrets

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from glans_learning.core.bounded_cache import BoundedCache

DEFAULT_TYPES = ("reflection", "assignment", "knowledge_check")
CACHE_SIZE = 2048
CACHE_BYTES = 8 * 1024 * 1024

_CACHE = BoundedCache(max_entries=CACHE_SIZE, max_bytes=CACHE_BYTES)
# Stands in for the CSRF token in a kept view; never a token, never in course text.
_CSRF_PLACEHOLDER = f"glans-csrf-{secrets.token_hex(16)}"


def cacheable_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "GLANS_CACHED_ACTIVITY_BLOCKS", DEFAULT_TYPES))


def _csrf_token(context) -> str | None:
    token = context.get("csrf_token")
    if not token:
        return None
    token = str(token)
    return None if token == "NOTPROVIDED" else token  # noqa: S105 - Django's "no token" marker


def key_for(*, block, value, context: dict, variant=()) -> tuple | None:
    """The key of this block's view for the visitor whose block context is `context`, or
    None when it must be rendered for them."""
    request = context.get("request")
    if (
        request is None
        or getattr(request, "is_preview", False)
        or context.get("response") is not None
        or not context.get("block_id")
        or block.name not in cacheable_types()
    ):
        return None
    raw = json.dumps(block.get_prep_value(value), sort_keys=True, default=str)
    if "linktype=" in raw or "embedtype=" in raw:
        return None
    return (
        block.name,
        context["block_id"],
        hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        context.get("activity_url"),
        variant,
        get_language() or settings.LANGUAGE_CODE,
    )


def render(*, key, context: dict, render_view) -> str:
    """The block's view: kept, or rendered by `render_view(context)` and kept when `key`
    allows it."""
    token = _csrf_token(context) if key is not None else None
    if token is None:
        return render_view(context)
    html = _CACHE.get(key)
    if html is None:
        html = render_view({**context, "csrf_token": _CSRF_PLACEHOLDER})
        _CACHE.put(key, str(html))
    return mark_safe(html.replace(_CSRF_PLACEHOLDER, token))  # noqa: S308 - our escaped view


def clear(**kwargs) -> None:
    _CACHE.clear()


# Settings may change what a block shows (the allow-list, templates): tests change them.
setting_changed.connect(clear, dispatch_uid="glans_activity_views")
