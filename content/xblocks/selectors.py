"""Reads for exercises: which exercise block a usage id points at."""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection
from wagtail.fields import StreamField
from wagtail.models import Page

from .ids import usage_id_for
from .models import XBlockState

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


def page_states(*, user, page_id: int, block_types) -> list[StateRow]:
    """Every XBlockState row the exercises of one page read for this user, in one query: the
    shared summaries of the page's exercises, and (signed in) the user's own state of them,
    their preferences per block type and their user info. Raw SQL (names from `_meta`, values
    as parameters): a page view reads it for every lesson with exercises, and Django's
    compilation of the equivalent OR-query cost more than the query itself."""

    def col(name):
        return connection.ops.quote_name(XBlockState._meta.get_field(name).column)

    user_col, scope, key = col("user"), col("scope"), col("key")
    summary = XBlockState.Scope.USER_STATE_SUMMARY
    prefix = usage_id_for(page_id=page_id, block_id="") + "%"
    where = f"({user_col} IS NULL AND {scope} = %s AND {key} LIKE %s)"
    params: list = [summary, prefix]
    if getattr(user, "is_authenticated", False):
        keys = [*block_types, ""]
        where += (
            f" OR ({user_col} = %s AND {scope} <> %s AND ({key} LIKE %s OR {key} IN "
            f"({', '.join(['%s'] * len(keys))})))"
        )
        params += [user.pk, summary, prefix, *keys]
    table = connection.ops.quote_name(XBlockState._meta.db_table)
    state_field = XBlockState._meta.get_field("state")
    # Straight off the cursor into light rows: a page without any state (most views) reads
    # none, and a raw queryset's set-up (its columns, model instances) cost more than that.
    sql = f"SELECT {scope}, {key}, {user_col}, {col('state')} FROM {table} WHERE {where}"  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [
        StateRow(row_scope, row_key, user_id, state_field.from_db_value(state, None, connection))
        for row_scope, row_key, user_id, state in found
    ]


class StateRow(NamedTuple):
    """One XBlockState row as the page's exercises read it."""

    scope: str
    key: str
    user_id: int | None
    state: dict
