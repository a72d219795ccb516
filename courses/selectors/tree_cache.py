"""This process's copy of the live course tree's rows, checked against a shared version.

Lesson, module and programme pages read the same rows of the course tree on every view (a
module's live lessons, a lesson's programme, module and neighbours), and those rows change
only when an editor publishes, unpublishes, saves, moves or deletes a page. So `raw` keeps
the rows it read here, in this process, tagged with the tree's version; the version lives in
Django's cache (Redis in production), so every worker and node sees a change at once:

- every page save, publish, unpublish, move and delete sets a new version, and so does every
  save and delete of an image or document (lessons show them: `lesson_body` keeps their
  HTML), straight away and again when the transaction commits (a worker that read the tree
  between the two cannot keep what it read under the newer version);
- a transaction that changed the tree neither reads nor keeps rows here until it ends: what
  it reads may still be rolled back;
- with a cache that only this process sees (LocMemCache, the default without
  DJANGO_CACHE_URL), other processes would never see the new version, so the copy is off
  unless GLANS_COURSE_TREE_CACHE says otherwise (a benchmark or a single-process site);
- rows are kept at most TTL seconds, so a change made behind the application's back (raw
  SQL, a restored backup) shows within minutes even without a new version;
- if the cache cannot be reached, the rows are read from the database as before, and for
  BACKOFF seconds the cache is not asked again (each attempt would wait for its connect
  timeout, on every course page); when it answers again, this process forgets the rows it
  kept (the tree may have changed while no new version could be stored).

Only what is the same for every visitor is kept (page-tree rows, outlines, the HTML of a
lesson's static blocks): never a learner's progress, never a view restriction. The rows are
tuples and callers build their own objects from them; outlines and HTML are never changed
once built; so nothing a request changes reaches another request.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

VERSION_KEY = "glans:course-tree:version"
LIMIT = 1024  # row sets kept per process (a programme's outline is one)
TTL = 300.0  # seconds
BACKOFF = 30.0  # seconds without asking an unreachable cache

_rows: OrderedDict = OrderedDict()
_lock = threading.Lock()
_pending = threading.local()  # this thread's transaction changed the tree and has not ended
_down = {"until": 0.0, "since": None}  # when the cache last failed to answer


def enabled() -> bool:
    setting = getattr(settings, "GLANS_COURSE_TREE_CACHE", None)
    if setting is not None:
        return bool(setting)
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith(("LocMemCache", "DummyCache"))


def _version() -> str | None:
    """The tree's current version, or None when the cache is off or unreachable."""
    if not enabled():
        return None
    now = time.monotonic()
    if now < _down["until"]:
        return None
    try:
        token = cache.get(VERSION_KEY)
        if token is None:  # evicted or never set: start a new one (never reuse an old one)
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(VERSION_KEY)
    except Exception:  # noqa: BLE001 - the database still answers; log and read it
        with _lock:
            _down["until"] = time.monotonic() + BACKOFF
            if _down["since"] is None:
                _down["since"] = now
        logger.warning(
            "course tree cache: version not readable; reading the database for %ss", BACKOFF
        )
        return None
    if _down["since"] is not None:
        with _lock:  # back after an outage: what was kept before it may be stale
            _down["since"] = None
            _rows.clear()
    return token


def rows(key: tuple, read, keep=None):
    """The rows `read()` returns for `key`, from this process's copy when it is current.
    `keep(rows)`, if given, says whether rows just read are kept (a miss need not be)."""
    if getattr(_pending, "changed", False):
        if connection.in_atomic_block:
            return read()
        _pending.changed = False  # the transaction ended (a commit clears it; a rollback too)
    token = _version()
    if token is None:
        return read()
    now = time.monotonic()
    with _lock:
        found = _rows.get(key)
        if found is not None and found[0] == token and now - found[1] < TTL:
            _rows.move_to_end(key)
            return found[2]
    value = read()
    if keep is not None and not keep(value):
        return value
    with _lock:
        _rows[key] = (token, now, value)
        _rows.move_to_end(key)
        while len(_rows) > LIMIT:
            _rows.popitem(last=False)
    return value


def _new_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - rows still expire after TTL
        logger.warning("course tree cache: new version not stored; rows expire within %ss", TTL)


def tree_changed(**kwargs) -> None:
    """A page changed: a new version now and when the transaction commits."""
    if not enabled():
        return
    _new_version()
    if connection.in_atomic_block:
        _pending.changed = True
        transaction.on_commit(_committed)


def _committed() -> None:
    _pending.changed = False
    _new_version()


def page_saved_or_deleted(**kwargs) -> None:
    tree_changed()


def connect() -> None:
    """Called from the app's ready(): every way Wagtail changes the tree sets a new version.
    Saves and deletes are watched per page model (and for images and documents, which lessons
    show): a delete signal for every model would cost Django's fast deletes everywhere
    (ratings, logs)."""
    for model in {Page, *get_page_models(), get_image_model(), get_document_model()}:
        uid = f"glans_tree_{model._meta.label_lower}"
        post_save.connect(page_saved_or_deleted, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(page_saved_or_deleted, sender=model, dispatch_uid=f"{uid}_deleted")
    for signal, uid in (
        (page_published, "glans_tree_published"),
        (page_unpublished, "glans_tree_unpublished"),
        (post_page_move, "glans_tree_moved"),
    ):
        signal.connect(tree_changed, dispatch_uid=uid)


def clear() -> None:
    """Forget this process's rows (tests)."""
    with _lock:
        _rows.clear()
        _down.update(until=0.0, since=None)
    _pending.changed = False
