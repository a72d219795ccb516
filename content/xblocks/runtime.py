"""The XBlock runtime GLANS hosts exercises in (needs the `xblocks` extra).

One runtime per request and user. Authored fields (content, settings) are parsed from the
OLX in the lesson's live revision (once per process and OLX text, then reused) and kept in
memory: nothing a browser sends can change them. Learner fields (user_state, user_state_summary, preferences,
user_info) live in XBlockState rows of the current user only. A read-only runtime (Wagtail
preview, anonymous visitors) keeps learner writes in memory and publishes nothing.
"""

from __future__ import annotations

import copy
import json
import logging
import threading

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from lxml import etree
from web_fragments.fragment import Fragment
from xblock.exceptions import NoSuchDefinition, NoSuchUsage
from xblock.fields import Scope, ScopeIds
from xblock.runtime import IdGenerator, IdReader, KeyValueStore, KvsFieldData, Runtime

from . import ids, load_class
from .models import LearningRecord, XBlockState
from .selectors import page_states
from .services import (
    BlockI18nService,
    GlansUserService,
    ReplaceUrlsService,
    SettingsService,
    javascript_catalogue,
)
from .signals import exercise_result

logger = logging.getLogger(__name__)

LEARNER_SCOPES = {
    Scope.user_state: XBlockState.Scope.USER_STATE,
    Scope.user_state_summary: XBlockState.Scope.USER_STATE_SUMMARY,
    Scope.preferences: XBlockState.Scope.PREFERENCES,
    Scope.user_info: XBlockState.Scope.USER_INFO,
}
# Handlers that relay events the browser composed: an event of the type the browser named is
# recorded but never changes grades or progress (drag-and-drop-v2's `publish_event` would
# otherwise let a browser publish any grade). What the block raises itself while handling
# the relay (image-explorer grades the learner once every hotspot is opened) is the block's
# own word, and counts like any other.
RELAY_HANDLERS = frozenset({"publish_event"})
PROGRESS_EVENTS = frozenset({"grade", "completion", "progress"})
MAX_OLX_LENGTH = 100_000
# Authored fields of recently parsed OLX, per block type and OLX text (a lesson's exercises
# are parsed once per process, not on every view); oldest out first.
PARSED_CACHE_SIZE = 512
_PARSED: dict = {}
_PARSED_LOCK = threading.Lock()


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
        prefetched: dict | None = None,
    ):
        self.database = database
        # Rendering a page's exercises reads the learner's state of all of them in one query
        # (render.py): then this block's rows come from there.
        self.prefetched = prefetched
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
            elif self.prefetched is not None and not self.lock:
                for key in {self.usage_id, self.block_type, ""}:
                    for row_key, state in self.prefetched.get(key, {}).items():
                        self._rows[row_key] = dict(state)
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

    @staticmethod
    def prefetch(*, user, page_id: int, block_types) -> dict:
        """The rows `_load` reads, for every exercise on one page at once (one query):
        {key: {(scope, key): state}}; the user's own rows only if signed in."""
        found: dict = {}
        for row in page_states(user=user, page_id=page_id, block_types=block_types):
            found.setdefault(row.key, {})[(row.scope, row.key)] = row.state
        return found

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
        prefetched: dict | None = None,
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
            prefetched=prefetched,
        )
        self._current_handler: str | None = None
        # The block's views asked who the user is (fragments.py keeps no such view).
        self.asked_for_user = False
        self._client_event_type: str | None = None
        id_manager = _Ids(self.usage_id, block_type)
        super().__init__(
            id_reader=id_manager,
            id_generator=id_manager,
            services={
                "field-data": KvsFieldData(self.store),
                "user": GlansUserService(user),
                "settings": SettingsService(),
            },
        )

    # Loading

    def load_block(self, olx: str):
        """Parse the author's OLX into this runtime's block (raises OlxError)."""
        block_class = load_class(self.block_type)
        if block_class is None:
            raise OlxError("type")
        user_id = self.store.user_id
        keys = ScopeIds(user_id, self.block_type, self.usage_id, self.usage_id)
        mixed = self.mixologist.mix(block_class)
        cache_key = (self.block_type, olx)
        authored = _PARSED.get(cache_key)
        if authored is not None:
            # The same OLX was parsed before: its authored fields, without parsing again.
            block = self.construct_xblock_from_class(mixed, keys)
            self.store._authored = copy.deepcopy(authored)
            return block
        node = parse_olx(olx)
        if node.tag != self.block_type:
            raise OlxError("tag")
        block = mixed.parse_xml(node, self, keys)
        only_authored = all(field.scope not in LEARNER_SCOPES for field in block._dirty_fields)
        block.save()  # authored fields go to the in-memory store
        if only_authored:  # parsing wrote no learner state: the result can be reused
            with _PARSED_LOCK:
                while len(_PARSED) >= PARSED_CACHE_SIZE:
                    _PARSED.pop(next(iter(_PARSED)))
                _PARSED[cache_key] = copy.deepcopy(self.store._authored)
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
            # The block's registered class: the mixed-in class lives in another module.
            return BlockI18nService(load_class(self.block_type) or type(block))
        if service_name == "user":
            self.asked_for_user = True
        if service_name == "replace_urls":
            block.service_declaration(service_name)
            return ReplaceUrlsService(self, block)
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
        # /static/ asset URLs in what the block shows are rewritten, as Open edX's LMS does.
        body = ReplaceUrlsService(self, block).replace_urls(frag.body_html())
        wrapped.add_content(f"<div{attr_html}>{body}{json_init}</div>")
        wrapped.add_fragment_resources(frag)
        # The block's JavaScript strings in the lesson's language, from the project's
        # catalogue when the block's package has none (defines the global its code reads).
        code = javascript_catalogue(load_class(self.block_type) or type(block))
        if code:
            wrapped.add_javascript(code)
        return wrapped

    # Events

    def publish(self, block, event_type, event_data):
        if not self.persist:
            return
        trusted = not (
            self._current_handler in RELAY_HANDLERS
            and (self._client_event_type is None or str(event_type) == self._client_event_type)
        )
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
        self._client_event_type = (
            _client_event_type(request) if handler_name in RELAY_HANDLERS else None
        )
        try:
            return super().handle(block, handler_name, request, suffix)
        finally:
            self._current_handler = None
            self._client_event_type = None


def _client_event_type(request) -> str | None:
    """The event type the browser named in a relay handler's JSON body (None: unknown, so
    every event the handler publishes is the browser's)."""
    try:
        body = json.loads(request.body or b"{}")
    except (TypeError, ValueError, UnicodeDecodeError):
        return None
    event_type = body.get("event_type") if isinstance(body, dict) else None
    return str(event_type) if isinstance(event_type, str) else None


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
