"""The handler endpoint: `…/xblock/<usage id>/handler/<name>/<suffix>`.

Login and CSRF (POST) required. Resolves only exercises on live pages the user may see, of
an allow-listed type; runs the block's handler in one transaction; every error is JSON.
"""

from __future__ import annotations

import json
import logging
from io import BytesIO

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from glans_learning.core.text import storable

from . import ids, is_allowed, load_class, xblock_installed
from .selectors import exercise_find

# `hook(user, page) -> str | None`: a reason why `user` may not work on this page's exercises
# (the courses app refuses learners who are not enrolled in the lesson's programme).
EXERCISE_ACCESS_HOOK = "glans_exercise_refusal"

logger = logging.getLogger(__name__)

MAX_BODY = 1_000_000


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _storable_body(request, body: bytes) -> bytes:
    """A JSON body with NUL bytes or lone surrogates in its strings, cleaned the way every
    other interface is (core.text.storable): PostgreSQL stores neither. Anything that is
    not JSON is passed on for the handler to refuse."""
    if request.content_type != "application/json" or (b"\\u" not in body and b"\x00" not in body):
        return body

    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    cleaned = storable(data)
    return body if cleaned == data else json.dumps(cleaned).encode()


def _webob_request(request):
    from webob import Request  # noqa: PLC0415 - optional: the xblocks extra

    body = _storable_body(request, request.body[:MAX_BODY])
    environ = {
        key: value
        for key, value in request.META.items()
        if isinstance(value, str) and key.isupper()
    }
    environ.update(
        {
            "wsgi.input": BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "REQUEST_METHOD": request.method,
            "wsgi.url_scheme": request.scheme,
        }
    )
    return Request(environ)


def _django_response(response) -> HttpResponse:
    result = HttpResponse(
        response.body, status=response.status_code, content_type=response.content_type
    )
    if response.charset and response.content_type:
        result["Content-Type"] = f"{response.content_type}; charset={response.charset}"
    result["Cache-Control"] = "no-store"
    return result


def _denied_handler(name: str) -> bool:
    # Authoring handlers (studio_*) and private names never run for learners.
    return name.startswith(("studio_", "_")) or name in {"csv_export", "get_export_status"}


@require_http_methods(["GET", "POST"])
def handler(request, usage_id: str, handler_name: str, suffix: str = ""):
    if not request.user.is_authenticated:
        return _error(401, _("Log in om deze oefening te maken."))
    parsed = ids.parse_usage_id(usage_id)
    if parsed is None:
        return _error(404, _("Deze oefening bestaat niet."))
    if not xblock_installed():
        return _error(404, _("Deze oefening is op deze site niet beschikbaar."))
    if _denied_handler(handler_name):
        return _error(403, _("Dit mag je bij deze oefening niet doen."))
    page_id, block_id = parsed
    found = exercise_find(page_id=page_id, block_id=block_id)
    if found is None:
        return _error(404, _("Deze oefening bestaat niet."))
    page, value = found
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            return _error(403, _("Je hebt geen toegang tot deze les."))
    block_type = value.get("xblock_type") or ""
    if not is_allowed(block_type) or load_class(block_type) is None:
        return _error(404, _("Deze oefening is op deze site niet beschikbaar."))
    for refusal in hooks.get_hooks(EXERCISE_ACCESS_HOOK):
        reason = refusal(request.user, page)
        if reason:
            return _error(403, str(reason))

    # The runtime needs the xblock library (the `xblocks` extra): imported only when it is
    # there, so that the plugin's URLs load on a site without it.
    from xblock.exceptions import NoSuchHandlerError  # noqa: PLC0415 - optional: the xblocks extra

    from .runtime import GlansRuntime, OlxError  # noqa: PLC0415 - optional: the xblocks extra

    try:
        with transaction.atomic():
            runtime = GlansRuntime(
                user=request.user,
                page_id=page_id,
                block_id=block_id,
                block_type=block_type,
                persist=True,
                lock=True,
            )
            block = runtime.load_block(value.get("olx") or "")
            response = runtime.handle(block, handler_name, _webob_request(request), suffix)
            if response.status_code >= 400:
                # The block refused: keep nothing it may have written on the way.
                transaction.set_rollback(True)
    except NoSuchHandlerError:
        return _error(404, _("Deze oefening kent deze actie niet."))
    except OlxError:
        return _error(409, _("Deze oefening is niet goed ingesteld."))
    except Exception:
        logger.exception("Handler %s of exercise %s failed", handler_name, usage_id)
        return _error(400, _("De oefening kon dit verzoek niet verwerken."))
    return _django_response(response)


@require_http_methods(["GET", "POST"])
def preview_handler(request, handler_name: str, suffix: str = ""):
    """Exercises in a Wagtail preview call this: nothing is ever saved."""
    if not request.user.is_authenticated:
        return _error(401, _("Log in om deze oefening te maken."))
    return _error(409, _("Dit is een voorbeeld: er wordt niets opgeslagen."))
