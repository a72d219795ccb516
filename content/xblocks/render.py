"""Rendering an exercise into a page (read side of the runtime)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from glans_learning.core.csp import allow_eval, nonce

from . import (
    allowed_types,
    fragments,
    ids,
    is_allowed,
    load_class,
    unavailable_html,
    xblock_installed,
)
from .runtime import GlansRuntime, OlxError, StateStore
from .services import ReplaceUrlsService

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Load the classes of the allowed exercise types (plugin entry points are looked up
    once and kept); a type that is missing or broken stays "not available"."""
    for block_type in allowed_types():
        load_class(block_type)


def exercise_render(*, request, page, block_id: str, value, states: dict | None = None) -> str:
    """HTML for one exercise on a page: the block's student view wrapped for the JavaScript
    runtime, its resources (once per request), or a friendly "not available" notice.
    `states` replaces the learners' stored state (the warm-up renders with none, so that it
    reads nothing from the database)."""
    block_type = value.get("xblock_type") or ""
    if not xblock_installed():
        return unavailable_html("not_installed")
    if not is_allowed(block_type):
        return unavailable_html("not_allowed")

    preview = bool(getattr(request, "is_preview", False)) if request is not None else True
    user = getattr(request, "user", None)
    page_id = getattr(page, "pk", None) or 0
    if (
        not preview
        and ids.parse_usage_id(ids.usage_id_for(page_id=page_id, block_id=block_id or "")) is None
    ):
        preview = True
    usage_id = ids.usage_id_for(page_id=page_id, block_id=block_id or "preview")
    olx = value.get("olx") or ""
    prefetched = states if states is not None else _page_states(request, user, page_id, StateStore)
    # A learner without state in this block sees what every such learner sees (fragments.py).
    cache_key = (
        None
        if preview or states is not None
        else fragments.key_for(
            block_type=block_type, usage_id=usage_id, olx=olx, user=user, prefetched=prefetched
        )
    )
    cached = fragments.get(cache_key)
    if cached is None:
        runtime = GlansRuntime(
            user=user,
            page_id=page_id,
            block_id=block_id or "preview",
            block_type=block_type,
            persist=False,  # rendering never writes; handlers do
            preview=preview,
            prefetched=prefetched,
        )
        try:
            block = runtime.load_block(olx)
            fragment = runtime.render(block, "student_view", {})
        except OlxError:
            return unavailable_html("misconfigured")
        except Exception:
            logger.exception("Exercise %s (%s) failed to render", runtime.usage_id, block_type)
            return unavailable_html("error")
        # /static/ asset URLs rewritten to the block's resources, as Open edX's LMS does.
        body = ReplaceUrlsService(runtime, block).replace_urls(fragment.body_html())
        # The free-text block's answer field has no label (axe: critical): name it here.
        body = body.replace(
            '<textarea class="student_answer"',
            f'<textarea class="student_answer" aria-label="{escape(_("Jouw antwoord"))}"',
        )
        cached = (
            body,
            tuple(
                ((resource.kind, resource.data), fragment.resource_to_html(resource))
                for resource in fragment.resources
            ),
        )
        if not runtime.asked_for_user:  # a view that read who is looking is never kept
            fragments.put(cache_key, cached)
    body, fragment_resources = cached
    seen = _seen_resources(request)
    resources = []
    script_nonce = _csp_nonce(request, block_type)
    for identity, html in fragment_resources:
        if identity in seen:
            continue
        seen.add(identity)
        if script_nonce:
            # Inline code of an installed package: allowed by this response's nonce.
            html = html.replace("<script", f'<script nonce="{script_nonce}"')
        resources.append(html)
    return render_to_string(
        "glans_content/xblocks/exercise.html",
        {
            "body": mark_safe(body),  # noqa: S308 - the block's own escaped view
            "resources": mark_safe("\n".join(resources)),  # noqa: S308 - URLs/code from installed packages
            "include_runtime": _first_exercise(request),
            "csrf_token": _csrf_token(request),
            "preview": preview,
        },
    )


def _page_states(request, user, page_id, store_class):
    """The learner's state of every exercise on the page, read once per request."""
    if request is None:
        return None
    cache = getattr(request, "_glans_xblock_states", None)
    if cache is None:
        cache = request._glans_xblock_states = {}
    if page_id not in cache:
        cache[page_id] = store_class.prefetch(
            user=user, page_id=page_id, block_types=allowed_types()
        )
    return cache[page_id]


# Exercises whose JavaScript compiles templates at run time (xblock-poll and its survey:
# Handlebars.compile, i.e. `Function`): their page's Content-Security-Policy allows
# 'unsafe-eval'; no other page does (docs/security.md).
DEFAULT_CSP_EVAL_TYPES = ("poll", "survey")


def _csp_nonce(request, block_type) -> str:
    """The request's CSP nonce for the block's inline resources ("" without django-csp);
    asks for 'unsafe-eval' on this response when the block type needs it."""
    if request is None or getattr(request, "csp_nonce", None) is None:
        return ""

    if block_type in getattr(settings, "GLANS_XBLOCK_CSP_EVAL_TYPES", DEFAULT_CSP_EVAL_TYPES):
        allow_eval(request)
    return nonce(request)


def _csrf_token(request) -> str:
    """One CSRF token for all the exercises of a response (each new token costs a masking)."""
    if request is None:
        return ""
    token = getattr(request, "_glans_xblock_csrf_token", None)
    if token is None:
        token = request._glans_xblock_csrf_token = get_token(request)
    return token


def _seen_resources(request) -> set:
    if request is None:
        return set()
    if not hasattr(request, "_glans_xblock_resources"):
        request._glans_xblock_resources = set()
    return request._glans_xblock_resources


def _first_exercise(request) -> bool:
    if request is None:
        return True
    if getattr(request, "_glans_xblock_runtime", False):
        return False
    request._glans_xblock_runtime = True
    return True
