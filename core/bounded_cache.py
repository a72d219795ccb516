"""A per-process cache of rendered text, bounded in entries and in bytes: the oldest entry
goes first. Used for views that are the same for many visitors (exercises and activity
blocks nobody has answered yet, issue #30); each user keeps its own instance."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable


class BoundedCache:
    def __init__(self, *, max_entries: int, max_bytes: int, size: Callable[[object], int] = len):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size
        self._entries: OrderedDict = OrderedDict()
        self._sizes: dict = {}
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key):
        if key is None:
            return None
        return self._entries.get(key)

    def put(self, key, value) -> None:
        if key is None:
            return
        size = self._size(value)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._total -= self._sizes.pop(key)
                del self._entries[key]
            while self._entries and (
                len(self._entries) >= self.max_entries or self._total + size > self.max_bytes
            ):
                oldest, _value = self._entries.popitem(last=False)
                self._total -= self._sizes.pop(oldest)
            self._entries[key] = value
            self._sizes[key] = size
            self._total += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._total = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key) -> bool:
        return key in self._entries

    def __iter__(self):
        return iter(list(self._entries))

    def values(self) -> list:
        return list(self._entries.values())

    @property
    def total_bytes(self) -> int:
        return self._total
