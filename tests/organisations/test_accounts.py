from django.core import mail

from tests.factories import PASSWORD


def test_login_page_is_dutch(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="nl"' in response.content.decode()
    assert "Inloggen" in response.content.decode()


def test_login_with_wrong_password_shows_dutch_error(client, teacher):
    response = client.post(
        "/accounts/login/", {"username": "leraar.zonnebloem", "password": "fout"}
    )
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_and_logout(client, teacher):
    response = client.post(
        "/accounts/login/", {"username": "leraar.zonnebloem", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/accounts/profiel/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/profiel/").status_code == 302


def test_password_reset_sends_an_email(client, teacher):
    response = client.post("/accounts/wachtwoord-vergeten/", {"email": teacher.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "wachtwoord-herstellen" in message.body


def test_profile_update_and_token_creation(client, teacher):
    client.force_login(teacher)
    response = client.post(
        "/accounts/profiel/",
        {
            "action": "profile",
            "first_name": "Lotte",
            "last_name": "Jansen",
            "email": "lotte@example.invalid",
        },
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.first_name == "Lotte"
    # The new address needs confirming first (tests/core/test_email_change.py).
    assert teacher.email != "lotte@example.invalid"
    response = client.post(
        "/accounts/profiel/", {"action": "create_token", "name": "Mijn koppeling"}
    )
    assert "glans_" in response.content.decode()
    assert teacher.glans_api_tokens.count() == 1


def test_profile_rejects_bad_email_and_changes_nothing(client, teacher):
    client.force_login(teacher)
    old = teacher.email
    response = client.post("/accounts/profiel/", {"action": "profile", "email": "geen-adres"})
    assert response.status_code == 200
    assert "Voer een geldig e-mailadres in." in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.email == old
