"""Two-factor authentication for the admin: a user whose role requires it (platform admins
and auditors, decided by the authorization layer through the `glans_requires_two_factor`
hook) reaches /admin/ only after verifying a second factor in this session."""

import contextlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from .api_auth import carries_key
from .text import storable, storable_querydict

REQUIRES_TWO_FACTOR_HOOK = "glans_requires_two_factor"


def requires_two_factor(user) -> bool:
    """True when any `glans_requires_two_factor` hook (`hook(user) -> bool`) says so."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(hook(user) for hook in hooks.get_hooks(REQUIRES_TWO_FACTOR_HOOK))


def _admin_prefixes() -> list[str]:
    prefixes = []
    for name in ("wagtailadmin_home", "admin:index"):
        with contextlib.suppress(NoReverseMatch):
            prefixes.append(reverse(name))
    return prefixes


def _exempt_paths() -> set[str]:
    paths = set()
    for name in ("wagtailadmin_logout", "admin:logout", "wagtailadmin_login", "admin:login"):
        with contextlib.suppress(NoReverseMatch):
            paths.add(reverse(name))
    return paths


class AdminTwoFactorMiddleware:
    def __init__(self, get_response):
        otp = "django_otp.middleware.OTPMiddleware"
        here = "glans_learning.core.middleware.AdminTwoFactorMiddleware"
        if otp not in settings.MIDDLEWARE or settings.MIDDLEWARE.index(
            otp
        ) > settings.MIDDLEWARE.index(here):
            raise ImproperlyConfigured(f"{here} needs {otp} before it in MIDDLEWARE.")
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and any(path.startswith(p) for p in _admin_prefixes())
            and path not in _exempt_paths()
            and not user.is_verified()
            and requires_two_factor(user)
        ):
            return redirect(
                reverse("glans_accounts:two_factor")
                + "?"
                + urlencode({"next": request.get_full_path()})
            )
        response = self.get_response(request)
        if response.status_code in (403, 404) and _second_factor_would_help(request):
            return _second_factor_answer(request)
        return response


def _second_factor_would_help(request) -> bool:
    """A session of a two-factor role without a verified factor was refused: the refusal
    may be only that (the authorization layer leaves their roles out until then)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or carries_key(request):
        return False
    if path_is_exempt(request.path_info):
        return False
    return requires_two_factor(user) and not user.is_verified()


def path_is_exempt(path: str) -> bool:
    with contextlib.suppress(NoReverseMatch):
        if path.startswith(reverse("glans_accounts:two_factor")):
            return True
    return path in _exempt_paths()


def _second_factor_answer(request):
    """The API: 403 with a clear error. Pages: to the two-factor page, with a message."""
    message = _(
        "Voor deze handeling is tweestapsverificatie nodig: jouw rol (platformbeheer of "
        "audit) heeft zonder bevestigde tweede stap geen extra rechten. Bevestig eerst een "
        "code uit je authenticator-app of een reservecode."
    )
    if "/api/" in request.path_info:
        return JsonResponse(
            {
                "detail": message,
                "errors": [{"loc": [], "msg": message, "type": "second_factor_required"}],
            },
            status=403,
        )
    if request.method == "GET":
        messages.info(request, message)
        return redirect(
            reverse("glans_accounts:two_factor")
            + "?"
            + urlencode({"next": request.get_full_path()})
        )
    messages.info(request, message)
    return redirect(reverse("glans_accounts:two_factor"))


# --- parts that are briefly away ------------------------------------------------------------

STORAGE_FULL_ERRNOS = {28, 122}  # ENOSPC, EDQUOT


def unavailable_reason(exc) -> str | None:
    """``"database"`` for a database that is away (restarting: the request's transaction was
    rolled back, nothing half-written), ``"storage"`` for a full disk or quota; else None."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return "database"
    if isinstance(exc, OSError) and exc.errno in STORAGE_FULL_ERRNOS:
        return "storage"
    return None


def unavailable_message(reason: str) -> str:
    if reason == "storage":
        return _(
            "Het bestand kon niet worden opgeslagen: de opslag is vol of niet bereikbaar. Er is "
            "niets opgeslagen; probeer het later opnieuw."
        )
    return _(
        "De website is even niet bereikbaar. Je wijziging is niet opgeslagen; probeer het over "
        "een minuut opnieuw."
    )


def unavailable_response(request, reason: str):
    """A 503 the person can act on: JSON in the API's error shape, or a small page that needs
    neither the database nor the session (both may be the thing that is away)."""
    message = unavailable_message(reason)
    wants_json = "application/json" in request.headers.get("Accept", "") or (
        "/api/" in request.path_info
    )
    if wants_json:
        response = JsonResponse({"detail": message, "errors": []}, status=503)
    else:
        html = render_to_string("glans_core/unavailable.html", {"message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response


class UnavailableMiddleware:
    """Turns a database that is away (OperationalError/InterfaceError: a restart, a dropped
    connection) or a full disk (OSError ENOSPC) into a translated 503 "try again" instead of
    a 500. The request's transaction is already rolled back; with CONN_HEALTH_CHECKS the next
    request gets a fresh connection, so the site recovers without a restart."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        reason = unavailable_reason(exception)
        if reason is None:
            return None
        logging.getLogger(__name__).warning(
            "%s unavailable on %s: %s", reason, request.path_info, exception
        )
        return unavailable_response(request, reason)


class StorableInputMiddleware:
    """Form fields and query strings of every request (front end and admin) as text every
    database can hold: NUL bytes and lone surrogates become U+FFFD (core.text.storable, the
    same cleaning as the API's parser). Without it PostgreSQL refuses a NUL byte with a 500."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = storable_querydict(request.GET)
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            try:
                post = request.POST
            except MultiPartParserError:
                # A malformed body: left for the view (or the API's parser) to refuse with its
                # own clear error; nothing of it was read into the request.
                return self.get_response(request)
            request.POST = storable_querydict(post)
            for values in request.FILES.lists():
                for upload in values[1]:
                    if upload.name:
                        upload.name = storable(upload.name)
        return self.get_response(request)
