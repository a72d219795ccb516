"""Wagtail hooks of the content app."""

from . import privacy  # noqa: F401 (registers the AVG hooks)
