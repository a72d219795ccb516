"""The plugin needs no site language; its switcher offers only languages it has catalogues for,
and only when the host's LocaleMiddleware would apply the choice."""

import re

import pytest
from django.conf import global_settings, settings
from django.test import override_settings
from django.urls import reverse

WITHOUT_LOCALE = [m for m in settings.MIDDLEWARE if "LocaleMiddleware" not in m]


def offered(client):
    html = client.get(reverse("glans_accounts:login")).content.decode()
    select = re.search(r'<select id="lang-select".*?</select>', html, flags=re.S)
    return re.findall(r'<option value="([^"]+)"', select.group(0)) if select else []


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ([("nl", "Nederlands"), ("en", "English")], ["nl", "en"]),
        ([("en", "English"), ("fr", "Français"), ("nl", "Nederlands")], ["nl", "en"]),
        ([("en", "English"), ("fr", "Français")], []),
        (
            [("en-gb", "British English"), ("nl-be", "Vlaams"), ("de", "Deutsch")],
            ["nl-be", "en-gb"],
        ),
        (global_settings.LANGUAGES, ["nl", "en"]),
    ],
)
def test_switcher_offers_languages_with_catalogues(client, db, languages, expected):
    with override_settings(LANGUAGES=languages, LANGUAGE_CODE=languages[0][0]):
        assert offered(client) == expected


@override_settings(MIDDLEWARE=WITHOUT_LOCALE)
def test_no_switcher_without_locale_middleware(client, db):
    assert offered(client) == []


@override_settings(
    LANGUAGE_CODE="en",
    LANGUAGES=[("en", "English"), ("fr", "Français")],
    WAGTAIL_CONTENT_LANGUAGES=[("en", "English")],
    MIDDLEWARE=WITHOUT_LOCALE,
)
def test_english_host_gets_english_pages(client, db):
    html = client.get(reverse("glans_accounts:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "Inloggen" not in html
