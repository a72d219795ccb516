"""Languages: the plugin has catalogues for Dutch (its source language) and English, and needs
no particular site language. See docs/install.md, "Languages"."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils.module_loading import import_string

# The languages the plugin ships catalogues for (Dutch is the source of every message).
PLUGIN_LANGUAGES = ("nl", "en")


def _locale_middleware_installed() -> bool:
    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue
        if isinstance(middleware, type) and issubclass(middleware, LocaleMiddleware):
            return True
    return False


def switcher_languages() -> list[tuple[str, str]]:
    """The languages the switcher offers: those in both the host's LANGUAGES and the plugin's
    catalogues (an exact code first, else a regional variant such as "en-gb"). Empty, so no
    switcher, when fewer than two remain or when the host has no LocaleMiddleware (without it,
    the chosen language would never be applied)."""
    if not _locale_middleware_installed():
        return []
    offered = []
    for code in PLUGIN_LANGUAGES:
        exact = [(c, n) for c, n in settings.LANGUAGES if c.lower() == code]
        variants = [(c, n) for c, n in settings.LANGUAGES if c.lower().split("-")[0] == code]
        if exact or variants:
            offered.append((exact or variants)[0])
    return offered if len(offered) > 1 else []
