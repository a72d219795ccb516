"""Rendering the exercises' own templates without recompiling them on every request.

XBlocks render their views with xblock-utils' ``ResourceLoader``. Its
``render_django_template`` builds a new template ``Engine`` (scanning every installed app's
template-tag modules), reads the template file from the package and compiles it on every
render, and its ``{% trans %}`` tag merges the block's catalogue into Django's by building a
new ``DjangoTranslation`` (every app's catalogue) for each tag it renders. Profiling a lesson
with three exercises showed this was most of what the exercises cost (issue #16).

:func:`install` (called when the content app is ready, only when XBlock is installed) gives
``ResourceLoader`` the same behaviour with caches:

- one engine, with xblock-utils' libraries and our ``i18n`` library in place of its own;
- resources of installed packages (templates, CSS, JavaScript) read once per process: they
  are files of an installed package, which only change with a new deploy (a restart);
- compiled templates kept per package and path (Django templates are made to be rendered
  many times; a render keeps its state in the ``Context``);
- ``{% trans %}`` / ``{% blocktrans %}`` render with a translation that is Django's catalogue
  with the block's merged over it, built once per language and block catalogue, and made
  active only for that tag (the same result as xblock-utils', without touching the
  process-wide translation objects).

``tests/content/test_xblock_templates.py`` renders every installed block's view both ways
and compares the HTML.
"""

from __future__ import annotations

import importlib
import threading
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context, Engine, Library, Node, Template
from django.template.backends.django import get_installed_libraries
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language, trans_real

register = Library()

_lock = threading.Lock()
_engine: Engine | None = None
_resources: dict = {}
_templates: dict = {}
_merged: dict = {}
_original = {}


def engine() -> Engine:
    global _engine
    if _engine is None:
        libraries = get_installed_libraries()
        libraries["i18n"] = __name__
        _engine = Engine(libraries=libraries)
    return _engine


def load_unicode(loader, resource_path):
    key = (loader.module_name, resource_path)
    text = _resources.get(key)
    if text is None:
        text = _original["load_unicode"](loader, resource_path)
        with _lock:
            _resources[key] = text
    return text


def render_django_template(loader, template_path, context=None, i18n_service=None):
    """xblock-utils' ``ResourceLoader.render_django_template``, with the template compiled
    once (same signature and result)."""
    context = context or {}
    context["_i18n_service"] = i18n_service
    key = (loader.module_name, template_path)
    template = _templates.get(key)
    if template is None:
        template = Template(load_unicode(loader, template_path), engine=engine())
        with _lock:
            _templates[key] = template
    return template.render(Context(context))


# Pure text helpers of allow-listed blocks that their views call for every render: the same
# authored text gives the same HTML, so each result is kept (bounded). The poll block turns
# its question, answers and feedback into sanitised HTML with Markdown on every view.
PURE_HELPERS = (("poll.poll", "render_markdown"),)


def install() -> None:
    """Give xblock-utils' ResourceLoader the cached behaviour (idempotent)."""
    from xblock.utils.resources import ResourceLoader  # noqa: PLC0415 - optional: the xblocks extra

    if _original:
        return
    _original["load_unicode"] = ResourceLoader.load_unicode
    _original["render_django_template"] = ResourceLoader.render_django_template
    ResourceLoader.load_unicode = load_unicode
    ResourceLoader.render_django_template = render_django_template
    for module_name, name in PURE_HELPERS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        helper = getattr(module, name, None)
        if callable(helper) and not hasattr(helper, "cache_info"):
            _original[(module_name, name)] = helper
            setattr(module, name, lru_cache(maxsize=2048)(helper))


def uninstall() -> None:
    """Back to xblock-utils' own methods (tests compare both)."""
    from xblock.utils.resources import ResourceLoader  # noqa: PLC0415 - optional: the xblocks extra

    if not _original:
        return

    ResourceLoader.load_unicode = _original.pop("load_unicode")
    ResourceLoader.render_django_template = _original.pop("render_django_template")
    for (module_name, name), helper in list(_original.items()):
        setattr(importlib.import_module(module_name), name, helper)
        del _original[(module_name, name)]
    clear()


def clear(**kwargs) -> None:
    global _engine
    with _lock:
        _engine = None
        _resources.clear()
        _templates.clear()
        _merged.clear()


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    if setting in {"INSTALLED_APPS", "LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "TEMPLATES"}:
        clear()


# --- {% trans %} with the block's catalogue ---------------------------------------------


def _block_catalogue(service):
    """The gettext object behind the runtime's i18n service (or the service itself)."""
    if not service:
        return None
    catalogue = getattr(service, "_translations", service)
    return catalogue if getattr(catalogue, "_catalog", None) else None


def merged_translation(language: str, catalogue):
    """Django's translation for `language` with the block's catalogue merged over it (as
    xblock-utils merges it), built once per language and catalogue."""
    key = (language, id(catalogue))
    found = _merged.get(key)
    if found is None or found[0] is not catalogue:
        translation = trans_real.DjangoTranslation(language)
        translation.merge(catalogue)
        found = (catalogue, translation)
        with _lock:
            _merged[key] = found
    return found[1]


class BlockTransNode(Node):
    def __init__(self, node):
        self.node = node

    def render(self, context):
        catalogue = _block_catalogue(context.get("_i18n_service"))
        language = get_language()
        if catalogue is None or language is None:
            return self.node.render(context)
        active = trans_real._active
        had, previous = hasattr(active, "value"), getattr(active, "value", None)
        active.value = merged_translation(language, catalogue)
        try:
            return self.node.render(context)
        finally:
            if had:
                active.value = previous
            else:
                del active.value


@register.tag("trans")
@register.tag("translate")
def block_translate(parser, token):
    return BlockTransNode(django_i18n.do_translate(parser, token))


@register.tag("blocktrans")
@register.tag("blocktranslate")
def block_translate_block(parser, token):
    return BlockTransNode(django_i18n.do_block_translate(parser, token))


# Every other tag and filter of Django's i18n library, unchanged.
for _name, _tag in django_i18n.register.tags.items():
    register.tags.setdefault(_name, _tag)
for _name, _filter in django_i18n.register.filters.items():
    register.filters.setdefault(_name, _filter)
