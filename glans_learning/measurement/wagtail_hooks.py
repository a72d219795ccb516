"""Registers the oudervolgsysteem's menu item. Only registration happens here."""

from wagtail import hooks

from glans_learning.core.navigation import NAV_HOOK

from .navigation import measurement_nav

hooks.register(NAV_HOOK, measurement_nav)
