"""What an outsider verifying a school certificate sees (issue #23 §5), and links that
follow the address the site serves on."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from glans_learning.certification import documents, services
from glans_learning.core.links import absolute_url

from .test_services import walk_to_decision


def _certified(application, auditor):
    walk_to_decision(application, auditor)
    services.application_decide(
        application=application,
        user=auditor,
        certified=True,
        valid_until=datetime.date(2099, 7, 31),
    )
    return application.certificate


def test_verification_shows_what_a_verifier_needs(application, auditor, settings):
    settings.GLANS_CREDENTIAL_ISSUER_NAME = "Academie voor Ouderbetrokkenheid"
    cert = _certified(application, auditor)
    url = reverse("glans_certification:verify", args=[cert.code])
    page = Client().get(url).content.decode()
    assert "De Zonnebloem" in page
    assert "31 juli 2099" in page
    assert timezone.localdate(cert.issued_at).strftime("%Y") in page
    assert "Academie voor Ouderbetrokkenheid" in page
    # Nothing more: no auditor, no report, no handbook text.
    assert auditor.username not in page and "Elke ouder is bekend." not in page
    services.certificate_revoke(certificate=cert, user=auditor, reason="Handboek niet versterkt.")
    page = Client().get(url).content.decode()
    assert 'data-status="revoked"' in page and "Handboek niet versterkt." in page
    assert timezone.localdate().strftime("%Y") in page


def test_expired_certificate_says_since_when(application, auditor):
    cert = _certified(application, auditor)
    type(cert).objects.filter(pk=cert.pk).update(valid_until=datetime.date(2020, 1, 31))
    page = Client().get(reverse("glans_certification:verify", args=[cert.code])).content
    assert "verlopen op 31 januari 2020" in page.decode()


def test_links_follow_the_address_the_site_serves_on(application, auditor, settings, rf):
    """Configured base URL without a request (PDF, QR, mails); the request's allowed host
    with one; a host that is not allowed never makes it into a link."""
    settings.GLANS_PUBLIC_BASE_URL = "http://127.0.0.1:8080"
    cert = _certified(application, auditor)
    assert documents.verification_url(cert).startswith("http://127.0.0.1:8080/")
    request = rf.get("/", HTTP_HOST="127.0.0.1:8080")
    assert absolute_url("/x/", request) == "http://127.0.0.1:8080/x/"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    evil = rf.get("/", HTTP_HOST="evil.example")
    assert absolute_url("/x/", evil) == "http://127.0.0.1:8080/x/"


def test_demo_base_url_follows_port(monkeypatch):
    import importlib

    from glans_site.settings import base

    monkeypatch.setenv("PORT", "8080")
    monkeypatch.delenv("WAGTAILADMIN_BASE_URL", raising=False)
    monkeypatch.delenv("GLANS_PUBLIC_BASE_URL", raising=False)
    try:
        reloaded = importlib.reload(base)
        assert reloaded.WAGTAILADMIN_BASE_URL == "http://127.0.0.1:8080"
        assert reloaded.GLANS_PUBLIC_BASE_URL == "http://127.0.0.1:8080"
    finally:
        monkeypatch.delenv("PORT")
        importlib.reload(base)


def test_certificate_page_and_api_use_the_request_address(application, auditor, director, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    cert = _certified(application, auditor)
    client = Client(HTTP_HOST="127.0.0.1:8080")
    client.force_login(director)
    page = client.get(reverse("glans_certification:certificate", args=[cert.pk]))
    assert f"http://127.0.0.1:8080/certificering/verifieer/{cert.code}/" in page.content.decode()
