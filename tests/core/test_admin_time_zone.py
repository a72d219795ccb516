"""Issue #25: Wagtail's account settings (/admin/account/) offer only time zones that load,
that browsers and PostgreSQL know (the canonical names of zone.tab, not Debian's
'localtime' or 'Factory'); choosing one saves and the admin renders afterwards."""

import zoneinfo

import pytest
from django.conf import settings
from django.test import Client
from wagtail.admin.forms.account import LocalePreferencesForm

from tests.factories import log_in


def test_every_offered_time_zone_loads_and_none_is_a_host_alias():
    offered = [
        value for value, _label in LocalePreferencesForm().fields["current_time_zone"].choices
    ]
    assert "Europe/Amsterdam" in offered and "UTC" in offered
    for name in ("localtime", "Factory", "posixrules"):
        assert name not in offered
    for name in offered:
        if name:
            zoneinfo.ZoneInfo(name)  # raises for a zone the database does not have
    assert sorted(settings.WAGTAIL_USER_TIME_ZONES) == settings.WAGTAIL_USER_TIME_ZONES


@pytest.mark.parametrize("tz", ["Europe/Amsterdam", ""])  # "" is "use the server's zone"
def test_account_time_zone_saves_and_pages_render(director, tz):
    client = log_in(Client(enforce_csrf_checks=True), director)
    assert client.get("/admin/account/").status_code == 200
    data = {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        "name_email-first_name": director.first_name or "Dirk",
        "name_email-last_name": director.last_name or "Directeur",
        "name_email-email": director.email or "directeur@example.org",
        "locale-preferred_language": "nl",
        "locale-current_time_zone": tz,
        "theme-theme": "system",
        "theme-contrast": "system",
        "theme-density": "default",
    }
    response = client.post("/admin/account/", data)
    assert response.status_code == 302, response.context["panels"] if response.context else ""
    director.wagtail_userprofile.refresh_from_db()
    assert director.wagtail_userprofile.current_time_zone == tz
    for url in ("/admin/", "/admin/account/", "/admin/snippets/glans_certification/handbook/"):
        assert client.get(url).status_code == 200, url
