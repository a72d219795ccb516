"""Issue 8, defect 12: lockout after ten wrong passwords (django-axes) with a clear Dutch
message and an admin unlock; two-factor authentication required in the admin for platform
admins and auditors, optional for everybody else."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def _post(client, url, data):
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_learner_is_locked_out_after_ten_wrong_passwords(teacher):
    client = Client(enforce_csrf_checks=True)
    for _ in range(9):
        response = _post(client, LOGIN, {"username": teacher.username, "password": "fout"})
        assert response.status_code == 200  # the ordinary "wrong password" answer
    response = _post(client, LOGIN, {"username": teacher.username, "password": "fout"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Je kunt tijdelijk niet inloggen" in html
    # Now even the right password is refused …
    response = _post(client, LOGIN, {"username": teacher.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # … but only for this username: a colleague on the same address can still log in.
    from tests.factories import person

    colleague = person("collega", roles=["learner"])
    response = _post(client, LOGIN, {"username": colleague.username, "password": PASSWORD})
    assert response.status_code == 302


def test_platform_admin_lifts_a_lockout(teacher, admin_user):
    from axes.models import AccessAttempt

    client = Client(enforce_csrf_checks=True)
    for _ in range(10):
        _post(client, LOGIN, {"username": teacher.username, "password": "fout"})
    attempt = AccessAttempt.objects.get(username=teacher.username)

    admin = Client(enforce_csrf_checks=True)
    admin.force_login(admin_user)
    device = TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    _post(admin, "/accounts/tweestaps/", {"token": _code(device)})
    listing = admin.get("/admin/glans_lockouts/")
    assert listing.status_code == 200
    assert teacher.username in listing.content.decode()
    response = _post(admin, f"/admin/glans_lockouts/delete/{attempt.pk}/", {})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    response = _post(client, LOGIN, {"username": teacher.username, "password": PASSWORD})
    assert response.status_code == 302


def test_directors_cannot_see_lockouts(client, director):
    client.force_login(director)
    assert client.get("/admin/glans_lockouts/").status_code in (302, 403)


@pytest.mark.parametrize("who", ["admin_user", "auditor"])
def test_two_factor_is_required_in_the_admin(db, request, who):
    user = request.getfixturevalue(who)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/tweestaps/?next=")

    setup = client.get("/accounts/tweestaps/?next=/admin/")
    html = setup.content.decode()
    assert "<svg" in html and "Tweestapsverificatie instellen" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = _post(client, "/accounts/tweestaps/", {"token": _code(device), "next": "/admin/"})
    assert response.status_code == 200
    assert "Je reservecodes" in response.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get("/admin/").status_code == 200


def test_a_backup_code_gets_past_the_check_once(admin_user):
    TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=admin_user, name="reserve", confirmed=True)
    static.token_set.create(token="reserve123")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert "Vul de code" in client.get("/accounts/tweestaps/").content.decode()
    response = _post(client, "/accounts/tweestaps/", {"token": "reserve123", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert not static.token_set.exists()


def test_next_may_not_leave_the_site(admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = _post(
        client, "/accounts/tweestaps/", {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/accounts/profiel/"


def test_directors_enter_the_admin_without_two_factor(client, director):
    client.force_login(director)
    assert client.get("/admin/").status_code == 200


def test_two_factor_is_optional_for_a_learner_and_can_be_removed(teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    profile = client.get("/accounts/profiel/").content.decode()
    assert "Tweestapsverificatie instellen" in profile
    client.get("/accounts/tweestaps/")
    device = TOTPDevice.objects.get(user=teacher)
    _post(client, "/accounts/tweestaps/", {"token": _code(device)})
    assert TOTPDevice.objects.get(user=teacher).confirmed
    # Removing needs a valid code.
    _post(client, "/accounts/tweestaps/uitschakelen/", {"token": "nope"})
    assert TOTPDevice.objects.filter(user=teacher).exists()
    for device in (
        *TOTPDevice.objects.filter(user=teacher),
        *StaticDevice.objects.filter(user=teacher),
    ):
        device.throttle_reset()  # a wrong code slows the next try down (django-otp throttling)
    code = StaticToken.objects.filter(device__user=teacher).first().token
    _post(client, "/accounts/tweestaps/uitschakelen/", {"token": code})
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticDevice.objects.filter(user=teacher).exists()


def test_a_wrong_code_is_refused_in_dutch(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = _post(client, "/accounts/tweestaps/", {"token": "000000", "next": "/admin/"})
    assert "Deze code klopt niet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


# --- issue #23: a password alone never adds or replaces a factor; log in by e-mail ----------


def test_password_alone_cannot_enrol_an_app_over_existing_backup_codes(admin_user):
    """The demo admin has backup codes only: with just the password, the two-factor page
    asks for a code and never offers to set up a new app or new codes."""
    static = StaticDevice.objects.create(user=admin_user, name="reserve", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd1234")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    page = client.get("/accounts/tweestaps/")
    assert page.status_code == 200
    assert "two_factor_verify" in [t.name.rsplit("/", 1)[-1][:-5] for t in page.templates]
    assert not TOTPDevice.objects.filter(user=admin_user).exists()  # no pending app made
    # A guessed "set-up" code changes nothing.
    _post(client, "/accounts/tweestaps/", {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()
    assert list(
        StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True)
    ) == ["abcd1234"]
    # With the existing factor, adding an app is fine (past django-otp's throttle).
    StaticDevice.objects.filter(pk=static.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    _post(client, "/accounts/tweestaps/", {"token": "abcd1234"})
    setup = client.get("/accounts/tweestaps/")
    assert "two_factor_setup" in [t.name.rsplit("/", 1)[-1][:-5] for t in setup.templates]


def test_admin_reset_of_a_second_factor_is_logged_and_mailed(admin_user, teacher):
    from django.core import mail
    from django.core.management import call_command
    from wagtail.models import ModelLogEntry

    TOTPDevice.objects.create(user=teacher, name="app", confirmed=True)
    mail.outbox.clear()
    call_command("glans_two_factor_reset", teacher.username, by=admin_user.username)
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert ModelLogEntry.objects.filter(action="glans.two_factor_reset", user=admin_user).exists()
    assert [m.to for m in mail.outbox] == [[teacher.email]]


def test_log_in_with_the_e_mail_address_in_any_case(teacher):
    client = Client(enforce_csrf_checks=True)
    response = _post(client, LOGIN, {"username": teacher.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher.pk)


def test_address_and_username_share_one_lockout_budget(teacher):
    from axes.models import AccessAttempt

    client = Client(enforce_csrf_checks=True)
    for i in range(10):
        typed = teacher.email if i % 2 else teacher.username.upper()
        _post(client, LOGIN, {"username": typed, "password": "fout"})
    # Ten wrong tries in all, however typed: the account's own key is locked, once.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {teacher.username}
    response = _post(client, LOGIN, {"username": teacher.email, "password": PASSWORD})
    assert response.status_code == 429
