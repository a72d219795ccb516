"""Reads for exercises: which exercise block a usage id points at."""

from __future__ import annotations

from wagtail.fields import StreamField
from wagtail.models import Page

EXERCISE_BLOCK_TYPE = "exercise"


def exercise_blocks(page) -> list:
    """The exercise children (StreamChild) in a page's StreamFields, in order."""
    found = []
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            found.extend(
                child
                for child in getattr(page, field.name) or []
                if child.block_type == EXERCISE_BLOCK_TYPE
            )
    return found


def exercise_find(*, page_id: int, block_id: str):
    """(live page, exercise value) for a block on a live page, or None. The value comes from
    the live content: a draft's changes are not served until published."""
    page = Page.objects.live().filter(pk=page_id).first()
    if page is None:
        return None
    page = page.specific
    for child in exercise_blocks(page):
        if child.id == block_id:
            return page, child.value
    return None
