from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Site

from glans_learning.core.navigation import NavItem
from glans_learning.organisations import permissions

from .models import ProgrammeIndexPage


def page_url(page, request=None) -> str | None:
    """What ``page.get_url(request=request)`` (and ``{% pageurl page %}``) gives, without
    Wagtail's look-up of the request's site (a query on every view that is not a Wagtail
    page) when the site has one root: the URL is then the relative one whichever the
    request's site, and the cached root paths say so."""
    if request is not None and len(Site.get_site_root_paths()) != 1:
        return page.get_url(request=request)
    return page.get_url()


def course_nav(request):
    items = []
    index = ProgrammeIndexPage.objects.live().only("id", "url_path", "path", "depth").first()
    if index is not None:
        url = page_url(index, request)
        items.append(NavItem(_("Leeraanbod"), url, request.path == url))
    if getattr(request.user, "is_authenticated", False):
        for name, label in (("my_route", _("Mijn leerroute")), ("sessions", _("Bijeenkomsten"))):
            url = reverse(f"glans_courses:{name}")
            items.append(NavItem(label, url, request.path == url))
        if permissions.may_see_team_progress(request.user):
            url = reverse("glans_courses:team")
            items.append(NavItem(_("Team"), url, request.path == url))
    return items


def course_landing(user):
    """Academy trainers start on their sessions (their work list), team leads (director, TdT
    participant) on their team, every other learner on their route."""
    if permissions.holds_academy_trainer_role(user):
        return (55, reverse("glans_courses:sessions"))
    if permissions.team_lead_unit_ids(user):
        return (50, reverse("glans_courses:team"))
    return (10, reverse("glans_courses:my_route"))
