"""Two-factor authentication for the admin: a user whose role requires it (platform admins
and auditors, decided by the authorization layer through the `glans_requires_two_factor`
hook) reaches /admin/ only after verifying a second factor in this session."""

import contextlib
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from wagtail import hooks

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
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

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
        return self.get_response(request)
