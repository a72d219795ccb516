"""Front-end menu items. Apps further up the layering add theirs through Wagtail's hook
registry, so the shell never imports them:

    @hooks.register("glans_nav_items")
    def my_items(request) -> list[NavItem]: ...
"""

from dataclasses import dataclass

from wagtail import hooks

NAV_HOOK = "glans_nav_items"
PROFILE_SECTIONS_HOOK = "glans_profile_sections"
# `hook(request) -> html | ""`: sections apps above courses add to the learner's dashboard.
DASHBOARD_SECTIONS_HOOK = "glans_dashboard_sections"
# `hook(user) -> (priority, url) | None`: where a user lands after logging in. The highest
# priority wins; without any, the profile page.
LANDING_HOOK = "glans_landing_url"


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


def items_for(request) -> list[NavItem]:
    items: list[NavItem] = []
    for provider in hooks.get_hooks(NAV_HOOK):
        items.extend(provider(request))
    return items


def landing_url_for(user) -> str | None:
    best = None
    for hook in hooks.get_hooks(LANDING_HOOK):
        choice = hook(user)
        if choice is not None and (best is None or choice[0] > best[0]):
            best = choice
    return best[1] if best else None
