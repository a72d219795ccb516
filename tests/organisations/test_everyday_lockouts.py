"""Issue #25: the lockout screen speaks Dutch (no "Access attempts"), shows times in the
site's time zone, and lifting a lockout is "Blokkade opheffen"; inspect views show Ja/Nee."""

import datetime

from django.test import Client
from django.utils import dateformat, timezone, translation


def test_lockout_screen_in_dutch_with_local_times(admin_user, verified_login, teacher):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username=teacher.username,
        ip_address="127.0.0.1",
        failures_since_start=10,
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    # A recent attempt (axes cleans up expired ones at the admin's login).
    moment = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=10)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=moment)
    local = dateformat.format(timezone.localtime(moment), "j F Y H:i")
    utc = moment.astimezone(datetime.UTC).strftime("%H:%M")
    client = Client(enforce_csrf_checks=True)
    verified_login(client, admin_user)
    with translation.override("nl"):
        local = dateformat.format(timezone.localtime(moment), "j F Y H:i")
    listing = client.get("/admin/glans_lockouts/").content.decode()
    inspect = client.get(f"/admin/glans_lockouts/inspect/{attempt.pk}/").content.decode()
    confirm = client.get(f"/admin/glans_lockouts/delete/{attempt.pk}/").content.decode()
    for html in (listing, inspect, confirm):
        assert "Access attempt" not in html and "access attempt" not in html
        assert "Attempted Access" not in html
    assert "Geblokkeerde aanmeldingen" in listing and "Mislukte pogingen" in listing
    assert local in listing  # Amsterdam, not UTC
    assert local in inspect and f" {utc}" not in inspect.replace(local, "")
    assert "Blokkade opheffen" in confirm
    response = client.post(
        f"/admin/glans_lockouts/delete/{attempt.pk}/",
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        follow=True,
    )
    assert not AccessAttempt.objects.exists()
    assert f"De blokkade van {teacher.username} is opgeheven." in response.content.decode()


def test_inspect_views_say_ja_and_nee_and_local_time(settings):
    from glans_learning.organisations.admin_views import ReadableInspectMixin

    class Base:
        def get_field_display_value(self, field_name, field):
            return self.values[field_name]

    class View(ReadableInspectMixin, Base):
        values = {
            "live": True,
            "locked": False,
            "at": datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC),
            "name": "De Zonnebloem",
        }

    view = View()
    with translation.override("nl"):
        shown = {name: view.get_field_display_value(name, None) for name in View.values}
    assert shown == {
        "live": "Ja",
        "locked": "Nee",
        "at": "1 juli 2026 12:00",
        "name": "De Zonnebloem",
    }
