"""The services the runtime offers its blocks: i18n (each block's own catalogue), the
current user (without names), per-block settings and URL rewriting."""

from __future__ import annotations

import copy
import gettext
import json
import re
from importlib import resources as importlib_resources
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import get_language, to_locale
from xblock.reference.user_service import UserService, XBlockUser

from . import load_class, package_of


class BlockI18nService:
    """gettext for one block: its own catalogue (``translations/<locale>/LC_MESSAGES/text.mo``
    or ``django.mo``, as XBlocks ship them), falling back to the source strings. An object
    with ``_catalog`` like a GNUTranslations, so the blocks' `{% trans %}` tag can merge it."""

    STRFTIME_FORMATS = {
        "SHORT_DATE_FORMAT": "%d-%m-%Y",
        "LONG_DATE_FORMAT": "%A %d %B %Y",
        "TIME_FORMAT": "%H:%M",
        "DATE_TIME_FORMAT": "%d-%m-%Y %H:%M",
    }

    def __init__(self, block_class):
        language = get_language() or settings.LANGUAGE_CODE
        self._translations = _block_translations(block_class, to_locale(language))

    def __getattr__(self, name):
        return getattr(self._translations, name)

    def __bool__(self):
        # False when the block ships no catalogue for the language. xblock-utils' `{% trans %}`
        # merges a true service's catalogue into Django's on every tag, building a fresh
        # DjangoTranslation (every app's catalogue) each time, as its templates are compiled
        # per render: most of an exercise's rendering time. Merging nothing changes nothing.
        return bool(getattr(self._translations, "_catalog", None))

    @property
    def ugettext(self):
        return self._translations.gettext

    @property
    def ungettext(self):
        return self._translations.ngettext

    def strftime(self, dtime, format):  # noqa: A002 - XBlock's signature
        return dtime.strftime(self.STRFTIME_FORMATS.get(format + "_FORMAT", format))

    def get_javascript_i18n_catalog_url(self, block):
        return None


_TRANSLATIONS: dict = {}


# GLANS's own catalogues for the community blocks it ships (their packages have no Dutch,
# or too little): ``content/xblocks/locale/<lang>/LC_MESSAGES/<package>.po`` for what the
# server renders, ``<package>js.po`` for what the block's JavaScript shows.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _block_translations(block_class, locale: str):
    cache_key = (block_class, locale)
    if cache_key not in _TRANSLATIONS:
        languages = [locale, locale.split("_")[0]]
        found = _find_translations(block_class, languages)
        ours = project_translations(package_of(block_class), languages)
        if ours is not None:
            if isinstance(found, gettext.GNUTranslations):
                # Ours over the block's own: a copy, the block's object stays untouched.
                merged = copy.copy(found)
                merged._catalog = {**found._catalog, **ours._catalog}
                merged.plural = ours.plural
                found = merged
            else:
                found = ours
        _TRANSLATIONS[cache_key] = found
    return _TRANSLATIONS[cache_key]


def project_translations(domain: str, languages):
    """The project's own catalogue `domain` for the first of `languages` it has, or None."""
    try:
        return gettext.translation(domain, localedir=str(LOCALE_DIR), languages=languages)
    except OSError:
        return None


def javascript_catalogue(block_class, language: str | None = None) -> str | None:
    """JavaScript that defines the block's translation global (``PollXBlockI18N``,
    ``DragAndDropI18N``) from the project's ``<package>js`` catalogue for `language`, in the
    shape the block's own ``translations/<lang>/text*.js`` gives it; None when we have none."""
    package = package_of(block_class)
    namespace = JS_NAMESPACES.get(package)
    if namespace is None:
        return None
    locale = to_locale(language or get_language() or settings.LANGUAGE_CODE)
    ours = project_translations(package + "js", [locale, locale.split("_")[0]])
    if ours is None:
        return None
    catalogue = {}
    for key, value in ours._catalog.items():
        if not key:
            continue  # the header
        if isinstance(key, tuple):  # (msgid, n): plural forms under the singular msgid
            catalogue.setdefault(key[0], [])
            forms = catalogue[key[0]]
            forms.extend([""] * (key[1] + 1 - len(forms)))
            forms[key[1]] = value
        else:
            catalogue[key] = value
    payload = (
        json.dumps(catalogue, sort_keys=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return JS_CATALOGUE.replace("NAMESPACE", namespace).replace("CATALOGUE", payload)


# The global each block's JavaScript reads its translations from.
JS_NAMESPACES = {"poll": "PollXBlockI18N", "drag_and_drop_v2": "DragAndDropI18N"}

JS_CATALOGUE = """(function (global) {
  var catalogue = CATALOGUE;
  function pick(value, n) { return typeof value === "string" ? value : value[n == 1 ? 0 : 1]; }
  global.NAMESPACE = {
    gettext: function (msgid) {
      var value = catalogue[msgid];
      return value === undefined ? msgid : pick(value, 1);
    },
    ngettext: function (singular, plural, n) {
      var value = catalogue[singular];
      return value === undefined ? (n == 1 ? singular : plural) : pick(value, n);
    },
    pgettext: function (context, msgid) { return this.gettext(msgid); },
    interpolate: function (fmt, obj, named) {
      if (named) { return fmt.replace(/%\\(\\w+\\)s/g, function (m) { return String(obj[m.slice(2, -2)]); }); }
      return fmt.replace(/%s/g, function () { return String(obj.shift()); });
    }
  };
}(window));
"""


def _find_translations(block_class, languages):
    try:
        root = importlib_resources.files(package_of(block_class))
    except (ModuleNotFoundError, TypeError):
        return gettext.NullTranslations()
    for folder in ("translations", "conf/locale", "locale"):
        localedir = root / folder
        if not localedir.is_dir():
            continue
        for domain in ("text", "django"):
            try:
                return gettext.translation(domain, localedir=str(localedir), languages=languages)
            except OSError:
                continue
    return gettext.NullTranslations()


class GlansUserService(UserService):
    """The current learner, without names or e-mail addresses (privacy)."""

    def __init__(self, user, **kwargs):
        super().__init__(**kwargs)
        self._user = user

    def get_current_user(self):
        user = XBlockUser(is_current_user=True, emails=[], full_name="")
        if getattr(self._user, "is_authenticated", False):
            user.opt_attrs = {
                "edx-platform.user_id": self._user.pk,
                "edx-platform.user_is_staff": False,
                "edx-platform.is_authenticated": True,
            }
        return user


class SettingsService:
    """Per-block settings from ``GLANS_XBLOCK_SETTINGS`` (a dict keyed by the block's
    ``block_settings_key`` or class name)."""

    def get_settings_bucket(self, block, default=None):
        key = getattr(block, "block_settings_key", None) or type(block).__name__
        return getattr(settings, "GLANS_XBLOCK_SETTINGS", {}).get(key, default or {})


class ReplaceUrlsService:
    """Open edX's URL rewriting for a block's authored content: ``/static/<path>`` (in quotes,
    as OLX names assets) becomes the URL of the block's own public resource ``public/<path>``
    when the block ships it, else of the site's static file ``<path>`` when there is one; other
    URLs (``/jump_to/``, absolute ones) are left alone."""

    STATIC_LINK = re.compile(r"""(?P<quote>["'(])/static/(?P<path>[^"'()\s?#]+)""")

    def __init__(self, runtime=None, block=None):
        self.runtime = runtime
        self.block = block

    def _url(self, path: str) -> str | None:

        path = path.lstrip("/")
        if ".." in path.split("/"):
            return None
        if self.block is not None and self.runtime is not None:
            try:
                block_class = load_class(self.block.scope_ids.block_type) or type(self.block)
                root = importlib_resources.files(package_of(block_class))
            except (ModuleNotFoundError, TypeError):
                root = None
            if root is not None and (root / "public" / path).is_file():
                return self.runtime.local_resource_url(self.block, f"public/{path}")
        if finders.find(path):
            try:
                return static(path)
            except ValueError:  # a hashing storage that has not collected it
                return None
        return None

    def replace_urls(self, text, static_replace_only=False):
        if not isinstance(text, str) or "/static/" not in text:
            return text

        def rewrite(match):
            url = self._url(match.group("path"))
            return match.group("quote") + url if url else match.group(0)

        return self.STATIC_LINK.sub(rewrite, text)
