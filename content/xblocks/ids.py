"""Usage ids: stable, derived from the lesson page and the StreamField block id."""

from __future__ import annotations

import re

_USAGE_RE = re.compile(r"^p([1-9][0-9]{0,11})-([A-Za-z0-9][A-Za-z0-9-]{0,63})$")


def usage_id_for(*, page_id: int, block_id: str) -> str:
    return f"p{int(page_id)}-{block_id}"


def parse_usage_id(usage_id: str) -> tuple[int, str] | None:
    """(page id, block id) for a well-formed usage id, else None."""
    match = _USAGE_RE.match(usage_id or "")
    if match is None:
        return None
    return int(match.group(1)), match.group(2)
