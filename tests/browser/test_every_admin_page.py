"""Issue #25's done-when for the Wagtail admin: no admin screen a platform admin, a director
(the school's handbook writer and Expertgroep) or an academy auditor reaches has a critical
or serious axe-core violation, nor fails the structure rules of the front-end walk (one
level-one heading, headings in order, distinct landmarks), and none of its links leads to
an error page.

The screens are found from what the admin registers, not from a hand list: every model
viewset and snippet (listing, create form, edit form and inspect view of one object), the
page editor and the create form of every page type, every settings model, and the pages
the sidebar menu and the screens themselves link to (bounded: one screen of a shape, e.g.
one edit form per model). Axe at desktop width; each checked screen also at 375 px,
where nothing may scroll sideways.

Wagtail's own core UI has a few violations the project cannot change from its templates;
WAGTAIL_CORE lists them, each narrowed to one rule and one selector, with the reason. A
violation in any other element fails the test."""

import io
import json
import re
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, get_page_models

from tests.browser.test_certification import verify_second_factor
from tests.browser.test_every_page import AXE_RUN, STRUCTURE_RULES, demo_login
from tests.browser.test_everyday_journeys import AXE
from tests.browser.test_learner_flow import login
from tests.browser.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Platform admin; director of De Zonnebloem and its Expertgroep (writes the handbook);
# academy auditor. Admins and auditors act only with a verified second factor.
ROLES = (("beheerder", True), ("directeur.zonnebloem", False), ("auditor", True))
SCREENS_PER_ROLE = 150
SAME_SHAPE = 1  # screens of one shape a role opens (a refused one does not count)
# Not screens: signing out, downloads and exports, previews and choosers (modal fragments),
# the front end, revision comparisons of one object (covered by its history screen) and
# actions that change something on GET's confirmation (publish, lock: POST-only).
SKIP = re.compile(
    r"(logout|/preview/|/chooser/|/choose|export|format=|/lock/|/unlock/|/unpublish/|"
    r"/revisions/\d+/(view|compare)|/compare/|\.(csv|xlsx|pdf|json)$|/documents/|/images/|"
    r"/jsi18n/|/sprite|/workflow|/login/|/password_reset/|/account/notification|"
    # Bulk actions act on the rows ticked in a listing: their script adds the ids.
    r"/admin/bulk/)"
)

# Violations inside Wagtail's own core UI (wagtail 8.0), which the project cannot change
# without copying Wagtail's templates or compiled scripts: (rule, CSS selector axe reports,
# screens, reason). Matched exactly; every other node fails, on every screen.
WAGTAIL_CORE: tuple[tuple[str, str, re.Pattern, str], ...] = (
    (
        "landmark-unique",
        r".w-h-\[42px\]",
        re.compile(r"^/admin/"),
        "The sidebar's search form (sidebar.js, compiled React) and the header's search "
        "form of a listing are both an unnamed role=search landmark.",
    ),
    (
        "aria-required-parent",
        ".w-w-fit",
        re.compile(r"^/admin/users/new/$"),
        "wagtailusers/users/create.html: the 'Roles' next-step link has role=tab outside "
        "the tab list.",
    ),
    (
        "heading-order",
        "#other-searches-title",
        re.compile(r"^/admin/pages/search/$"),
        "wagtailadmin/pages/search_results.html: 'Other searches' is an h2 below the h3 of "
        "the results.",
    ),
)


# The page editor of each page type is a screen of its own (its panels differ).
PAGE_TYPE_OF: dict[str, str] = {}


def _shape(path: str) -> str:
    """Screens of one kind share a shape: ids become N, the query string is dropped."""
    shape = re.sub(r"/\d+(?=/|$)", "/N", urlsplit(path).path)
    return f"{shape} {PAGE_TYPE_OF[path]}" if path in PAGE_TYPE_OF else shape


def _admin_path(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.path.startswith("/admin/") or SKIP.search(url):
        return None
    return parts.path  # listings' sort and filter variants are the same screen


def _first(model):
    return model._default_manager.order_by("pk").first()


def _registered_screens() -> list[str]:
    """Every admin screen the registered viewsets, page types and settings offer, with one
    object each for the screens about one object."""
    viewsets.populate()
    paths = ["/admin/"]
    for viewset in viewsets.viewsets:
        if not isinstance(viewset, ModelViewSet):
            continue
        ns = viewset.url_namespace
        obj = _first(viewset.model)
        for name, args in (
            ("index", []),
            ("add", []),
            ("edit", [obj.pk] if obj else None),
            ("inspect", [obj.pk] if obj else None),
            ("history", [obj.pk] if obj else None),
        ):
            if args is None:
                continue
            try:
                paths.append(reverse(f"{ns}:{name}", args=args))
            except NoReverseMatch:  # that view is not enabled for this model
                continue
    for model in get_page_models():
        if model is Page:
            continue
        page = model._default_manager.order_by("path").first()
        if page is not None:
            path = reverse("wagtailadmin_pages:edit", args=[page.pk])
            paths.append(path)
            PAGE_TYPE_OF[path] = model._meta.label  # each page type's editor is checked
        for parent_model in model.allowed_parent_page_models():
            parent = parent_model._default_manager.order_by("path").first()
            if parent is not None and model.can_create_at(parent):
                meta = model._meta
                paths.append(
                    reverse(
                        "wagtailadmin_pages:add",
                        args=[meta.app_label, meta.model_name, parent.pk],
                    )
                )
                break
    for model in settings_registry:
        meta = model._meta
        paths.append(reverse("wagtailsettings:edit", args=[meta.app_label, meta.model_name]))
    return paths


def _menu_links(page) -> list[str]:
    """The sidebar's menu (Wagtail renders it from JSON props): every admin URL in it."""
    props = page.evaluate(
        "(document.getElementById('wagtail-sidebar-props') || {}).textContent || ''"
    )
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node.startswith("/admin/"):
            found.append(node)

    if props:
        walk(json.loads(props))
    return found


def _links(page) -> list[str]:
    return page.eval_on_selector_all(
        "main a[href], header a[href]", "els => els.map(e => e.getAttribute('href'))"
    )


def _violations(page, path) -> list[str]:
    page.evaluate(AXE.read_text())
    out = []
    core = [(r, sel) for r, sel, where, _why in WAGTAIL_CORE if where.search(path)]
    for line in page.evaluate(AXE_RUN.replace(".slice(0, 3)", ""), list(STRUCTURE_RULES)):
        rule, _, rest = line.partition(" (")
        impact, _, targets = rest.partition("): ")
        nodes = [t for t in targets.split(" | ") if (rule, t) not in core]
        if nodes:
            out.append(f"{rule} ({impact}): {' | '.join(nodes[:3])}")
    return out


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def _login(browser, base, username, second_factor):
    context = browser.new_context(locale="nl-NL", viewport=DESKTOP)
    page = context.new_page()
    demo_login(page, base, username)
    if second_factor:
        verify_second_factor(page, base, get_user_model().objects.get(username=username))
    return context, page


@pytest.mark.postgres_only
def test_every_admin_screen_a_role_reaches_passes_axe(live_server, browser, settings):
    settings.GLANS_ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=io.StringIO())
    base = live_server.url
    started = time.monotonic()
    registered = _registered_screens()
    problems: list[str] = []
    checked: dict[str, str] = {}  # shape -> the role that checked it
    reached: dict[str, int] = {}
    for username, second_factor in ROLES:
        context, page = _login(browser, base, username, second_factor)
        page.goto(f"{base}/admin/")
        queue = registered + _menu_links(page)
        seen: set[str] = set()
        shapes: dict[str, int] = {}
        refused: set[str] = set()  # this role's 403/404 screens
        linked: dict[str, str] = {}  # screen -> the screen that links to it
        reached[username] = 0
        while queue and len(seen) < SCREENS_PER_ROLE:
            path = _admin_path(queue.pop(0))
            shape = _shape(path or "")
            if path is None or path in seen or shapes.get(shape, 0) >= SAME_SHAPE:
                continue
            seen.add(path)
            response = page.goto(f"{base}{path}")
            status = response.status if response else 0
            if status in (403, 404):
                # Not this role's screen: fine when only the registry offered it, an error
                # when the admin itself links this role to it.
                refused.add(path)
                if path in linked:
                    problems.append(f"{username} {linked[path]} links to {path}: HTTP {status}")
                continue
            if urlsplit(page.url).path != path:  # sent elsewhere (e.g. a listing)
                continue
            if status != 200:
                problems.append(f"{username} {path}: HTTP {status}")
                continue
            reached[username] += 1
            shapes[shape] = shapes.get(shape, 0) + 1
            for link in filter(None, map(_admin_path, _links(page))):
                if link in refused:
                    problems.append(f"{username} {path} links to {link}: refused")
                linked.setdefault(link, path)
                if link not in seen:
                    queue.append(link)
            if shape in checked:
                continue
            checked[shape] = username
            problems += [f"{username} {path}: axe {v}" for v in _violations(page, path)]
            # The same screen on a phone: nothing scrolls sideways (Wagtail's admin reflows).
            page.set_viewport_size(PHONE)
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                problems.append(f"{username} {path}: scrolls sideways at 375 px {widths}")
            page.set_viewport_size(DESKTOP)
        context.close()
    elapsed = time.monotonic() - started
    print(f"admin walk: {len(checked)} screens checked in {elapsed:.0f} s; reached {reached}")
    assert all(n >= 5 for n in reached.values()), reached  # every role really went round
    assert len(checked) >= 30, sorted(checked)
    assert not problems, "\n".join(problems)


def test_the_handbook_editors_rich_text_fields_are_named_by_their_labels(
    live_server, page, director, zonnebloem
):
    """The handbook editor's rich-text fields (the introduction and each section) are named
    by their field's label, which Draftail's editable area does not take by itself."""
    from glans_learning.certification import services
    from tests.certification.conftest import current_year

    handbook = services.handbook_start(unit=zonnebloem, school_year=current_year(), user=director)
    login(page, live_server.url, director.username)
    page.goto(f"{live_server.url}/admin/snippets/glans_certification/handbook/edit/{handbook.pk}/")
    editors = page.locator(".Draftail-Editor [contenteditable][role=textbox]")
    wait_until(page, "document.querySelectorAll('.Draftail-Editor [role=textbox]').length > 0")
    sections = handbook.sections.count()
    assert sections >= 1
    assert editors.count() == 1 + sections
    names = [
        page.evaluate(
            "el => (el.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)"
            ".map(id => document.getElementById(id).textContent.trim()).join(' ')",
            editors.nth(i).element_handle(),
        )
        for i in range(editors.count())
    ]
    assert names[0].lower().startswith("inleiding"), names
    assert all(name.lower().startswith("hoe borgen wij dit?") for name in names[1:]), names
    assert page.get_by_role("textbox", name="Inleiding").count() == 1
