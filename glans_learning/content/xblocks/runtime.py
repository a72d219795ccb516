"""The XBlock runtime GLANS hosts exercises in (needs the `xblocks` extra).

One runtime per request and user. Authored fields (content, settings) are parsed from the
OLX in the lesson's live revision on every request and kept in memory: nothing a browser
sends can change them. Learner fields (user_state, user_state_summary, preferences,
user_info) live in XBlockState rows of the current user only. A read-only runtime (Wagtail
preview, anonymous visitors) keeps learner writes in memory and publishes nothing.
"""

from __future__ import annotations

import gettext
import json
import logging
import sys
from importlib import resources as importlib_resources

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language, to_locale
from lxml import etree
from web_fragments.fragment import Fragment
from xblock.exceptions import NoSuchDefinition, NoSuchUsage
from xblock.fields import Scope, ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import IdGenerator, IdReader, KeyValueStore, KvsFieldData, Runtime

from . import ids, load_class
from .models import LearningRecord, XBlockState
from .signals import exercise_result

logger = logging.getLogger(__name__)

LEARNER_SCOPES = {
    Scope.user_state: XBlockState.Scope.USER_STATE,
    Scope.user_state_summary: XBlockState.Scope.USER_STATE_SUMMARY,
    Scope.preferences: XBlockState.Scope.PREFERENCES,
    Scope.user_info: XBlockState.Scope.USER_INFO,
}
# Handlers that relay events the browser composed: what they publish is recorded but never
# changes grades or progress (drag-and-drop-v2's `publish_event` would otherwise let a
# browser publish any grade).
RELAY_HANDLERS = frozenset({"publish_event"})
PROGRESS_EVENTS = frozenset({"grade", "completion", "progress"})
MAX_OLX_LENGTH = 100_000


class OlxError(ValueError):
    """The author's OLX cannot be used; the message says why (translated, Dutch)."""


# --- ids --------------------------------------------------------------------------------


class _Ids(IdReader, IdGenerator):
    """One block per runtime: its definition id is its usage id."""

    def __init__(self, usage_id: str, block_type: str):
        self.usage_id = usage_id
        self.block_type = block_type

    def get_definition_id(self, usage_id):
        if usage_id != self.usage_id:
            raise NoSuchUsage(usage_id)
        return usage_id

    def get_block_type(self, def_id):
        if def_id != self.usage_id:
            raise NoSuchDefinition(def_id)
        return self.block_type

    def get_usage_id_from_aside(self, aside_id):
        raise NoSuchUsage(aside_id)

    def get_definition_id_from_aside(self, aside_id):
        raise NoSuchDefinition(aside_id)

    def get_aside_type_from_usage(self, aside_id):
        raise NoSuchUsage(aside_id)

    def get_aside_type_from_definition(self, aside_id):
        raise NoSuchDefinition(aside_id)

    def create_aside(self, definition_id, usage_id, aside_type):
        raise OlxError("asides")

    def create_usage(self, def_id):
        return def_id

    def create_definition(self, block_type, slug=None):
        return self.usage_id


# --- field data -------------------------------------------------------------------------


class StateStore(KeyValueStore):
    """Authored scopes in memory; learner scopes in XBlockState rows of one user and block."""

    def __init__(
        self,
        *,
        user,
        usage_id: str,
        block_type: str,
        persist: bool,
        lock: bool,
        database: bool = True,
        shared: bool = False,
    ):
        self.database = database
        # The block has user_state_summary fields (shared by all learners, e.g. a poll's
        # tally): a locking store creates their row up front so that it can lock it.
        self.shared = shared
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.user_id = self.user.pk if self.user else None
        self.usage_id = usage_id
        self.block_type = block_type
        self.persist = persist and self.user is not None
        self.lock = lock
        self._authored: dict = {}
        self._rows: dict | None = None  # (scope, key) -> state dict

    def _row_key(self, key) -> tuple[str, str]:
        scope = LEARNER_SCOPES.get(key.scope)
        if scope is None:
            raise KeyError(key)
        if scope == XBlockState.Scope.USER_STATE_SUMMARY:
            expected = self.usage_id
        elif key.user_id != self.user_id:
            # Another user's state is never reachable from this runtime.
            raise KeyError(key)
        elif scope == XBlockState.Scope.USER_STATE:
            expected = self.usage_id
        elif scope == XBlockState.Scope.PREFERENCES:
            expected = self.block_type
        else:
            expected = None
        block_scope_id = key.block_scope_id
        if expected is not None and str(block_scope_id) != expected:
            raise KeyError(key)
        return scope, expected or ""

    def _load(self) -> dict:
        if self._rows is None:
            self._rows = {}
            if not self.database:
                pass  # validating a definition: no learner state at all
            elif self.user is not None:
                if self.lock and self.persist and self.shared:
                    self._ensure_shared_row()
                query = XBlockState.objects.filter(
                    Q(user=self.user, key__in=[self.usage_id, self.block_type, ""])
                    | Q(user=None, scope=XBlockState.Scope.USER_STATE_SUMMARY, key=self.usage_id)
                )
                if self.lock:
                    query = query.select_for_update()
                for row in query:
                    if row.user_id is None or row.scope != XBlockState.Scope.USER_STATE_SUMMARY:
                        self._rows[(row.scope, row.key)] = dict(row.state)
            else:
                for row in XBlockState.objects.filter(
                    user=None, scope=XBlockState.Scope.USER_STATE_SUMMARY, key=self.usage_id
                ):
                    self._rows[(row.scope, row.key)] = dict(row.state)
        return self._rows

    def _ensure_shared_row(self):
        """Create the shared summary row if it is missing, tolerating a concurrent creation
        (get_or_create races end in IntegrityError: the row exists then). The caller locks
        it with select_for_update, so concurrent handler calls update it one after the other
        instead of overwriting each other's tallies."""
        for attempt in range(2):
            try:
                with transaction.atomic():
                    XBlockState.objects.get_or_create(
                        scope=XBlockState.Scope.USER_STATE_SUMMARY,
                        key=self.usage_id,
                        user=None,
                        defaults={"state": {}},
                    )
                return
            except IntegrityError:
                if attempt:
                    raise

    def get(self, key):
        if key.scope not in LEARNER_SCOPES:
            return self._authored[(key.scope, key.field_name)]
        return self._load()[self._row_key(key)][key.field_name]

    def has(self, key):
        try:
            self.get(key)
        except KeyError:
            return False
        return True

    def set(self, key, value):
        self.set_many({key: value})

    def delete(self, key):
        if key.scope not in LEARNER_SCOPES:
            self._authored.pop((key.scope, key.field_name), None)
            return
        row = self._row_key(key)
        state = self._load().get(row, {})
        state.pop(key.field_name, None)
        self._write(row, state)

    def set_many(self, update_dict):
        changed: dict = {}
        for key, value in update_dict.items():
            if key.scope not in LEARNER_SCOPES:
                self._authored[(key.scope, key.field_name)] = value
                continue
            row = self._row_key(key)
            state = self._load().setdefault(row, {})
            state[key.field_name] = value
            changed[row] = state
        for row, state in changed.items():
            self._write(row, state)

    def _write(self, row, state):
        self._load()[row] = state
        if not self.persist:
            return
        scope, key = row
        user = None if scope == XBlockState.Scope.USER_STATE_SUMMARY else self.user
        for attempt in range(2):
            try:
                with transaction.atomic():
                    updated = XBlockState.objects.filter(scope=scope, key=key, user=user).update(
                        state=state
                    )
                    if not updated:
                        XBlockState.objects.create(scope=scope, key=key, user=user, state=state)
                return
            except IntegrityError:
                if attempt:
                    raise


# --- services ---------------------------------------------------------------------------


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


def _block_translations(block_class, locale: str):
    cache_key = (block_class, locale)
    if cache_key not in _TRANSLATIONS:
        _TRANSLATIONS[cache_key] = _find_translations(block_class, [locale, locale.split("_")[0]])
    return _TRANSLATIONS[cache_key]


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


def package_of(block_class) -> str:
    """The package an XBlock class ships its resources in."""
    module = sys.modules.get(block_class.__module__)
    return getattr(module, "__package__", None) or block_class.__module__.rpartition(".")[0]


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
    """Open edX rewrites /static/ and /jump_to/ links; GLANS lessons have none."""

    def replace_urls(self, text, static_replace_only=False):
        return text


# --- runtime ----------------------------------------------------------------------------


class GlansRuntime(Runtime):
    """A runtime for one exercise and one user. ``persist=False`` never writes to the
    database (preview, anonymous visitors)."""

    def __init__(
        self,
        *,
        user,
        page_id: int,
        block_id: str,
        block_type: str,
        persist: bool,
        lock: bool = False,
        preview: bool = False,
        database: bool = True,
    ):
        self.user = user
        self.page_id = page_id
        self.block_id = block_id
        self.usage_id = ids.usage_id_for(page_id=page_id, block_id=block_id)
        self.block_type = block_type
        self.preview = preview
        self.persist = persist and not preview and getattr(user, "is_authenticated", False)
        self.store = StateStore(
            user=user,
            usage_id=self.usage_id,
            block_type=block_type,
            persist=self.persist,
            lock=lock,
            database=database,
            shared=_has_shared_fields(block_type),
        )
        self._current_handler: str | None = None
        id_manager = _Ids(self.usage_id, block_type)
        super().__init__(
            id_reader=id_manager,
            id_generator=id_manager,
            services={
                "field-data": KvsFieldData(self.store),
                "user": GlansUserService(user),
                "settings": SettingsService(),
                "replace_urls": ReplaceUrlsService(),
            },
        )

    # Loading

    def load_block(self, olx: str):
        """Parse the author's OLX into this runtime's block (raises OlxError)."""
        block_class = load_class(self.block_type)
        if block_class is None:
            raise OlxError("type")
        node = parse_olx(olx)
        if node.tag != self.block_type:
            raise OlxError("tag")
        user_id = self.store.user_id
        keys = ScopeIds(user_id, self.block_type, self.usage_id, self.usage_id)
        block = self.mixologist.mix(block_class).parse_xml(node, self, keys)
        block.save()  # authored fields go to the in-memory store
        return block

    def add_node_as_child(self, block, node):
        raise OlxError("children")

    def applicable_aside_types(self, block):
        # No asides here (create_aside refuses them); XBlock's default scans every installed
        # package's entry points on each render.
        return []

    # Services

    def service(self, block, service_name):
        if service_name == "i18n":
            block.service_declaration(service_name)
            return BlockI18nService(type(block))
        return super().service(block, service_name)

    # URLs

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        if self.preview:
            url = reverse("glans_content:xblock_preview_handler", args=[handler_name])
        else:
            url = reverse("glans_content:xblock_handler", args=[self.usage_id, handler_name])
        if suffix:
            url += suffix.lstrip("/")
        if query:
            url += "?" + query
        return url

    def resource_url(self, resource):
        return static(f"glans_content/xblocks/{resource}")

    def local_resource_url(self, block, uri):
        return static(f"xblock/{block.scope_ids.block_type}/{uri.lstrip('/')}")

    # Rendering: our own wrapper, every attribute escaped.

    def wrap_xblock(self, block, view, frag, context):
        wrapped = Fragment()
        attrs = {
            "class": f"xblock glans-exercise xblock-{view} {block.entry_point.replace('.', '-')}",
            "data-usage": self.usage_id,
            "data-block-type": self.block_type,
            "data-handler-prefix": self.handler_url(block, "HANDLER").rsplit("HANDLER", 1)[0],
        }
        if frag.js_init_fn:
            attrs["data-init"] = frag.js_init_fn
            attrs["data-runtime-version"] = str(frag.js_init_version or 1)
        if self.preview:
            attrs["data-preview"] = "1"
        json_init = ""
        if getattr(frag, "json_init_args", None) is not None:
            payload = (
                json.dumps(frag.json_init_args)
                .replace("<", "\\u003c")
                .replace(">", "\\u003e")
                .replace("&", "\\u0026")
            )
            json_init = (
                f'<script type="json/xblock-args" class="xblock_json_init_args">{payload}</script>'
            )
        attr_html = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
        wrapped.add_content(f"<div{attr_html}>{frag.body_html()}{json_init}</div>")
        wrapped.add_fragment_resources(frag)
        return wrapped

    # Events

    def publish(self, block, event_type, event_data):
        if not self.persist:
            return
        trusted = self._current_handler not in RELAY_HANDLERS
        data = event_data if isinstance(event_data, dict) else {"value": event_data}
        try:
            json.dumps(data)
        except (TypeError, ValueError):
            data = {"repr": repr(data)[:2000]}
        LearningRecord.objects.create(
            user=self.user,
            usage_id=self.usage_id,
            block_type=self.block_type,
            event_type=str(event_type)[:100],
            data=data,
            trusted=trusted,
        )
        if not trusted or event_type not in PROGRESS_EVENTS:
            return
        score, completed, only_if_higher = _result_of(event_type, data)
        if completed:
            exercise_result.send(
                sender=GlansRuntime,
                user=self.user,
                page_id=self.page_id,
                block_id=self.block_id,
                usage_id=self.usage_id,
                block_type=self.block_type,
                score=score,
                completed=completed,
                only_if_higher=only_if_higher,
            )

    def handle(self, block, handler_name, request, suffix=""):
        self._current_handler = handler_name
        try:
            return super().handle(block, handler_name, request, suffix)
        finally:
            self._current_handler = None


def _has_shared_fields(block_type: str) -> bool:
    block_class = load_class(block_type)
    return block_class is not None and any(
        field.scope == Scope.user_state_summary for field in block_class.fields.values()
    )


def _result_of(event_type, data) -> tuple[float | None, bool, bool]:
    """(score 0..1 or None, completed, only_if_higher) for a grade/completion/progress event."""
    if event_type == "grade":
        try:
            value = float(data.get("value"))
            maximum = float(data.get("max_value"))
        except (TypeError, ValueError):
            return None, False, False
        if maximum <= 0:
            return None, False, False
        return min(max(value / maximum, 0.0), 1.0), True, bool(data.get("only_if_higher"))
    if event_type == "completion":
        try:
            return None, float(data.get("completion")) >= 1.0, False
        except (TypeError, ValueError):
            return None, False, False
    return None, True, False  # "progress": Open edX treats it as complete


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False, load_dtd=False
)


def parse_olx(olx: str):
    text = (olx or "").strip()
    if not text:
        raise OlxError("empty")
    if len(text) > MAX_OLX_LENGTH:
        raise OlxError("length")
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise OlxError("doctype")
    try:
        return etree.fromstring(text.encode("utf-8"), parser=_PARSER)  # noqa: S320 - hardened parser
    except etree.XMLSyntaxError as exc:
        raise OlxError(f"syntax:{exc}") from exc
