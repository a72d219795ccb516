"""A small registry of front-end menu items, so apps further down the line (courses,
certification) can add their pages without this app importing them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """`provider(request) -> list[NavItem]`."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def items_for(request) -> list[NavItem]:
    items: list[NavItem] = []
    for provider in _providers:
        items.extend(provider(request))
    return items
