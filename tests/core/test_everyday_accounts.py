"""Issue #25: a signed-in user changes their password with the current one (Django's
PasswordChangeView), not through the forgotten-password mail."""

from django.core import mail
from django.test import Client


def test_password_change_from_the_profile_keeps_the_user_signed_in(teacher):
    teacher.set_password("Oud-wachtwoord-2026!")
    teacher.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    profile = client.get("/accounts/profiel/").content.decode()
    assert 'href="/accounts/wachtwoord-wijzigen/"' in profile
    assert 'href="/accounts/wachtwoord-vergeten/">Wachtwoord wijzigen' not in profile
    page = client.get("/accounts/wachtwoord-wijzigen/")
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    wrong = client.post(
        "/accounts/wachtwoord-wijzigen/",
        {
            "old_password": "niet-het-oude",
            "new_password1": "Nieuw-wachtwoord-2026!",
            "new_password2": "Nieuw-wachtwoord-2026!",
            "csrfmiddlewaretoken": token,
        },
    )
    assert wrong.status_code == 200  # a clear error, nothing changed
    teacher.refresh_from_db()
    assert teacher.check_password("Oud-wachtwoord-2026!")
    response = client.post(
        "/accounts/wachtwoord-wijzigen/",
        {
            "old_password": "Oud-wachtwoord-2026!",
            "new_password1": "Nieuw-wachtwoord-2026!",
            "new_password2": "Nieuw-wachtwoord-2026!",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/wachtwoord-wijzigen/klaar/"
    teacher.refresh_from_db()
    assert teacher.check_password("Nieuw-wachtwoord-2026!")
    assert mail.outbox == []  # no reset mail
    assert "Wachtwoord gewijzigd" in client.get(response["Location"]).content.decode()


def test_password_change_needs_a_login():
    response = Client().get("/accounts/wachtwoord-wijzigen/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
