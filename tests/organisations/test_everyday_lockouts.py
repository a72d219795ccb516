"""Issue #25: the lockout screen speaks Dutch (no "Access attempts"), shows times in the
site's time zone, and lifting a lockout is "Blokkade opheffen"; inspect views show Ja/Nee."""

import datetime

from django.test import Client


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
    moment = datetime.datetime(2026, 12, 5, 21, 28, 49, tzinfo=datetime.UTC)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=moment)
    client = Client(enforce_csrf_checks=True)
    verified_login(client, admin_user)
    listing = client.get("/admin/glans_lockouts/").content.decode()
    inspect = client.get(f"/admin/glans_lockouts/inspect/{attempt.pk}/").content.decode()
    confirm = client.get(f"/admin/glans_lockouts/delete/{attempt.pk}/").content.decode()
    for html in (listing, inspect, confirm):
        assert "Access attempt" not in html and "access attempt" not in html
        assert "Attempted Access" not in html
    assert "Geblokkeerde aanmeldingen" in listing and "Mislukte pogingen" in listing
    assert "5 december 2026 22:28" in listing  # Amsterdam, not UTC
    assert "5 december 2026 22:28" in inspect and "21:28" not in inspect
    assert "Blokkade opheffen" in confirm
    response = client.post(
        f"/admin/glans_lockouts/delete/{attempt.pk}/",
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        follow=True,
    )
    assert not AccessAttempt.objects.exists()
    assert f"De blokkade van {teacher.username} is opgeheven." in response.content.decode()


def test_inspect_views_say_ja_and_nee_and_local_time(settings):
    from django.utils import translation

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
