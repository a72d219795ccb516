"""#14: people added by a staff-list upload or the admin get an invitation with a signed,
expiring set-password link; re-sendable; an expired or used link says how to get a new one;
password reset works for them too."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from glans_learning.core import invitations, services
from glans_learning.core.models import AccountInvitation
from glans_learning.core.tasks import send_invitation
from glans_learning.organisations.services import user_create


def _link(message):
    return re.search(r"https?://\S+/uitnodiging/\S+/", message.body).group(0)


def _post(client, url, data):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.fixture
def newcomer(db):
    return user_create(email="nieuw@example.invalid", first_name="Noor", last_name="Nieuw")


def test_invitation_sets_password_and_logs_in(newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(user=newcomer)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [newcomer.email]
    send_invitation(invitation.pk)  # idempotent: a retry sends nothing more
    assert len(mail.outbox) == 1
    url = _link(mail.outbox[0])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and newcomer.username in page.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()  # a GET (mail scanners) changes nothing
    response = _post(
        client, url, {"new_password1": "Zonnebloem-2026!", "new_password2": "Zonnebloem-2026!"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/accounts/start/")
    newcomer.refresh_from_db()
    assert newcomer.check_password("Zonnebloem-2026!")
    assert client.get("/accounts/profiel/").status_code == 200  # logged in
    # Used: the link now explains how to get a new one.
    used = Client().get(url)
    assert used.status_code == 400
    text = used.content.decode()
    assert "al gebruikt" in text and "/accounts/wachtwoord-vergeten/" in text
    # Someone with a password gets no invitation.
    assert services.invitation_send(user=newcomer) is None


def test_expired_and_forged_links(newcomer, settings):
    token = invitations.invitation_token(user=newcomer)
    settings.GLANS_INVITATION_MAX_AGE = -1
    response = Client().get(f"/accounts/uitnodiging/{token}/")
    assert response.status_code == 400 and "verlopen" in response.content.decode()
    settings.GLANS_INVITATION_MAX_AGE = 3600
    forged = signing.TimestampSigner(salt="other").sign_object({"u": newcomer.pk, "p": "x"})
    response = Client().get(f"/accounts/uitnodiging/{forged}/")
    assert response.status_code == 400 and "ongeldig" in response.content.decode()
    assert Client().get("/accounts/uitnodiging/rommel/").status_code == 400


def test_resend_records_and_sends_again(newcomer, director, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(user=newcomer, by=director)
        services.invitation_send(user=newcomer, by=director)
    assert len(mail.outbox) == 2
    assert AccountInvitation.objects.filter(user=newcomer, sent_at__isnull=False).count() == 2
    assert director.get_full_name() in mail.outbox[0].body


def test_password_reset_reaches_people_without_a_password(
    newcomer, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    _post(client, "/accounts/wachtwoord-vergeten/", {"email": "NIEUW@example.invalid"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [newcomer.email]
    link = re.search(r"https?://\S+/wachtwoord-herstellen/\S+/", mail.outbox[0].body).group(0)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    set_url = page.redirect_chain[-1][0]
    _post(
        client, set_url, {"new_password1": "Zonnebloem-2026!", "new_password2": "Zonnebloem-2026!"}
    )
    newcomer.refresh_from_db()
    assert newcomer.check_password("Zonnebloem-2026!")


def test_accepting_goes_through_the_service_once(newcomer, monkeypatch):
    """The view calls invitations.invitation_accept; a second use of the link is refused and
    leaves the password alone."""
    token = invitations.invitation_token(user=newcomer)
    calls = []
    real = invitations.invitation_accept
    monkeypatch.setattr(
        invitations, "invitation_accept", lambda **kw: calls.append(kw) or real(**kw)
    )
    url = reverse("glans_accounts:invitation", args=[token])
    data = {"new_password1": "Zonnebloem-2026!", "new_password2": "Zonnebloem-2026!"}
    assert _post(Client(enforce_csrf_checks=True), url, data).status_code == 302
    assert [c["token"] for c in calls] == [token]
    newcomer.refresh_from_db()
    assert newcomer.check_password("Zonnebloem-2026!")
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_accept(token=token, password="Iets-anders-2026!")
    newcomer.refresh_from_db()
    assert newcomer.check_password("Zonnebloem-2026!")


def test_the_profile_name_is_saved_through_the_service(teacher, monkeypatch):
    calls = []
    real = services.profile_name_set
    monkeypatch.setattr(services, "profile_name_set", lambda **kw: calls.append(kw) or real(**kw))
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    response = _post(
        client,
        reverse("glans_accounts:profile"),
        {
            "action": "profile",
            "first_name": " Anna ",
            "last_name": "Jansen",
            "email": teacher.email,
        },
    )
    assert response.status_code in (200, 302)
    teacher.refresh_from_db()
    assert (teacher.first_name, teacher.last_name) == ("Anna", "Jansen")
    assert calls and calls[0]["user"].pk == teacher.pk


def test_no_set_password_link_for_an_account_of_someone_else(
    newcomer, director, zonnebloem, regenboog, django_capture_on_commit_callbacks
):
    """Issue #23: an existing account (here one of another school that never chose a
    password) added by a director gets an invitation to *join*, never a set-password link:
    adding an address must not become a way into someone's account."""
    from glans_learning.organisations.models import Membership
    from glans_learning.organisations.services import member_add_by_email, membership_grant

    membership_grant(user=newcomer, unit=regenboog, role_codes=["learner"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        added = member_add_by_email(by=director, unit=zonnebloem, email=newcomer.email.upper())
    assert added.membership is None and added.invitation is not None
    assert not AccountInvitation.objects.filter(user=newcomer).exists()
    assert not Membership.objects.filter(user=newcomer, unit=zonnebloem).exists()
    assert len(mail.outbox) == 1 and "/uitnodiging/" not in mail.outbox[0].body


def test_set_password_link_is_dead_once_the_account_has_a_password(newcomer):
    token = invitations.invitation_token(user=newcomer)
    newcomer.set_password("een-eigen-wachtwoord-123")
    newcomer.save()
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_check(token=token)
    response = Client().get(f"/accounts/uitnodiging/{token}/")
    assert response.status_code == 400
