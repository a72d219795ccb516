"""#14: after login each role lands on its own starting page, never on the profile with its
API-key form."""

import pytest
from django.test import Client

from tests.factories import log_in, person


@pytest.mark.parametrize(
    "who, lands_on",
    [
        ("teacher", "/leren/mijn-leerroute/"),
        ("tdt_teacher", "/leren/team/"),
        ("director", "/leren/team/"),
        ("academy_trainer", "/leren/bijeenkomsten/"),
        ("auditor", "/certificering/werklijst/"),
        ("board", "/certificering/bestuur/"),
        ("admin_user", "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_page(request, zonnebloem, who, lands_on):
    if who == "board":
        user = person("expertgroep.bestuur", unit=zonnebloem, roles=["board_expertgroep"])
    else:
        user = request.getfixturevalue(who)
    client = Client()
    client.force_login(user)
    if who in ("auditor", "admin_user"):
        # Their starting page needs a second factor: that comes first (issue #23) …
        response = client.get("/accounts/start/")
        assert response["Location"].startswith("/accounts/tweestaps/")
        log_in(client, user)  # … and once verified, they land on their own page.
    response = client.get("/accounts/start/")
    assert response.status_code == 302
    assert response["Location"].startswith(lands_on)
    assert "/profiel/" not in response["Location"]
