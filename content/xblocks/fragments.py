"""Rendered exercises kept for learners who have not started them yet (issue #30).

Most views of an exercise are by a learner with no state in it: the block's student view
then depends only on what the author wrote, the shared summary (a poll's tally), the
language and whether the visitor is signed in. Such a view is rendered once per process and
reused, keyed on exactly those:

- block type, usage id (page and StreamField block) and a digest of the OLX of the live
  revision: editing and publishing the exercise changes the key, so a new definition is
  never served from an old entry;
- the language, and whether the visitor is signed in;
- a digest of the block's shared summary (user_state_summary): a vote changes the key.

Never kept, so always rendered for the learner as before:

- a learner with any state of this block (own user_state, preferences of its type, user
  info): answers are never cached, whoever gave them;
- previews (drafts), and the warm-up's renders;
- a block whose view asked the runtime for the current user (the ``user`` service);
- block types not in ``GLANS_XBLOCK_CACHED_VIEW_TYPES`` (by default the types GLANS ships
  and whose views ``tests/content/test_xblock_fragments.py`` renders identically for two
  learners without state): a community block added later is rendered per learner until
  it is checked and listed.

What is kept is only the block's wrapped view (escaped HTML with handler URLs that name the
usage id, no secret or user) and its resources. The CSRF token, the CSP nonce and the
once-per-response resource list stay per request (render.py).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils.translation import get_language

from glans_learning.core.bounded_cache import BoundedCache

from . import DEFAULT_XBLOCK_TYPES
from .models import XBlockState

# Per process; oldest out first, at most CACHE_SIZE views and CACHE_BYTES of text (one
# drag-and-drop view carries ~110 kB of inline script).
CACHE_SIZE = 512
CACHE_BYTES = 16 * 1024 * 1024


def _size(value) -> int:
    body, resources = value
    return len(body) + sum(len(html) for _identity, html in resources)


_CACHE = BoundedCache(max_entries=CACHE_SIZE, max_bytes=CACHE_BYTES, size=_size)


def cacheable_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "GLANS_XBLOCK_CACHED_VIEW_TYPES", DEFAULT_XBLOCK_TYPES))


def key_for(*, block_type: str, usage_id: str, olx: str, user, prefetched) -> tuple | None:
    """The cache key of this exercise's view for this visitor, or None when the view must be
    rendered for them (they have state in it, or the type is not listed)."""
    if prefetched is None or block_type not in cacheable_types():
        return None
    summary = None
    for key in (usage_id, block_type, ""):
        for (scope, _row_key), state in prefetched.get(key, {}).items():
            if scope == XBlockState.Scope.USER_STATE_SUMMARY and key == usage_id:
                summary = state
            else:
                return None  # the learner's own state: never cached
    summary_digest = (
        hashlib.sha256(json.dumps(summary, sort_keys=True, default=str).encode("utf-8")).hexdigest()
        if summary
        else ""
    )
    return (
        block_type,
        usage_id,
        hashlib.sha256((olx or "").encode("utf-8")).hexdigest(),
        get_language() or settings.LANGUAGE_CODE,
        # Handler URLs are reversed under the request's script prefix (a site mounted twice).
        get_script_prefix(),
        bool(getattr(user, "is_authenticated", False)),
        summary_digest,
    )


get = _CACHE.get
put = _CACHE.put


def clear(**kwargs) -> None:
    _CACHE.clear()


def _settings_changed(*, setting, **kwargs):
    # Any setting may change what a block shows (its settings bucket, static URLs, the
    # allow-list): tests change settings, a site restarts.
    clear()


setting_changed.connect(_settings_changed, dispatch_uid="glans_xblock_fragments")
