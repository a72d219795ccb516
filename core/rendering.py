"""Rows that screens render in Python instead of a template loop (team dashboard, rating
grid): a value as `{{ value }}` would render it."""

from __future__ import annotations

from django.utils.formats import localize
from django.utils.html import conditional_escape


def as_template_value(value) -> str:
    """`value` localized, then escaped, as `{{ value }}` renders it. Small whole numbers and
    plain strings take a short way with the same result (localize leaves strings as they
    are, and no language groups digits below 1,000): a screen of 200 rows renders thousands."""
    kind = type(value)
    if kind is int and -1000 < value < 1000:
        return str(value)
    if kind is str:
        return conditional_escape(value)
    return conditional_escape(localize(value))
