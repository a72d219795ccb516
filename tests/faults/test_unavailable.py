"""Parts that are briefly away: a database that restarts (OperationalError/InterfaceError) and
a full disk (OSError ENOSPC) give a translated 503 "try again" — a page or the API's JSON —
and never a half-written change or something recorded as done that is not."""

import datetime
import errno

import pytest
from django.core.files.storage import InMemoryStorage
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from glans_learning.courses.models import ProgrammeCompletion, Session, SessionRegistration
from glans_learning.credentials import pdf
from glans_learning.credentials.models import Certificate
from tests.builders import build_programme

pytestmark = pytest.mark.django_db


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("glans_accounts:profile"))
    return client, client.cookies["csrftoken"].value


@pytest.fixture
def session(tmp_path):
    programme = build_programme(tmp_path, slug="ws", modules=1, lessons_per_module=1)
    start = timezone.now() + datetime.timedelta(days=7)
    return Session.objects.create(
        programme=programme,
        kind=Session.Kind.ONLINE,
        title="Bijeenkomst",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Utrecht",
    )


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_that_goes_away_mid_change_is_a_503_and_writes_nothing(
    teacher, session, monkeypatch, error
):
    def away(*args, **kwargs):
        raise error("server closed the connection unexpectedly")

    # The registration row is written, then the database goes away before the commit.
    monkeypatch.setattr("glans_learning.courses.services.enqueue", away)
    client, token = csrf_client(teacher)
    response = client.post(
        f"/leren/bijeenkomsten/{session.pk}/aanmelden/", {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "probeer het over een minuut opnieuw" in response.content.decode()
    assert not SessionRegistration.objects.exists()  # nothing half-written


def test_the_503_speaks_english_to_english_readers(teacher, session, monkeypatch):
    monkeypatch.setattr(
        "glans_learning.courses.services.enqueue",
        lambda *a: (_ for _ in ()).throw(OperationalError("gone")),
    )
    client, token = csrf_client(teacher)
    response = client.post(
        f"/leren/bijeenkomsten/{session.pk}/aanmelden/",
        {"csrfmiddlewaretoken": token},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 503
    assert "try again in a minute" in response.content.decode()


def test_the_api_answers_503_in_its_error_shape(teacher, monkeypatch):
    def away(**kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr("glans_learning.credentials.selectors.points_for_user", away)
    client = Client()
    client.force_login(teacher)
    response = client.get("/api/v1/me/points")
    assert response.status_code == 503
    body = response.json()
    assert body["errors"] == [] and "opnieuw" in body["detail"]


def test_a_database_away_in_a_middleware_is_a_503_too(teacher, monkeypatch):
    """The session is read in a middleware, before any view."""
    from django.contrib.sessions.backends import db

    def away(self):
        raise OperationalError("connection refused")

    client = Client(raise_request_exception=False)
    client.force_login(teacher)
    monkeypatch.setattr(db.SessionStore, "load", away)
    response = client.get(reverse("glans_accounts:profile"))
    assert response.status_code == 503
    assert "opnieuw" in response.content.decode()


class FullDisk(InMemoryStorage):
    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_an_upload_to_a_full_disk_is_a_clear_error_and_records_nothing(
    admin_user, verified_login, monkeypatch
):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model

    Document = get_document_model()
    field = Document._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FullDisk())
    client = Client(raise_request_exception=False)
    verified_login(client, admin_user)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Handboek",
            "file": SimpleUploadedFile("handboek.txt", b"tekst", content_type="text/plain"),
            "collection": 1,
        },
    )
    assert response.status_code == 503
    assert "opslag is vol" in response.content.decode()
    assert not Document.objects.exists()
    # The real storage was not touched: no copy of the upload landed under documents/.
    stored = default_storage.listdir("documents")[1] if default_storage.exists("documents") else []
    assert not [name for name in stored if name.startswith("handboek")]


def test_a_pdf_on_a_full_disk_is_not_recorded_as_made_and_is_made_later(
    director, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    programme = build_programme(tmp_path, slug="tdt", modules=1, lessons_per_module=1)
    real = pdf.certificate_pdf

    def full(certificate):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pdf, "certificate_pdf", full)
    with django_capture_on_commit_callbacks(execute=True):
        ProgrammeCompletion.objects.create(
            user=director, programme=programme, completed_at=timezone.now()
        )
    certificate = Certificate.objects.get()
    assert certificate.pdf is None  # not recorded as made
    client = Client(raise_request_exception=False)
    client.force_login(director)
    url = reverse("glans_credentials:certificate_pdf", args=[certificate.code])
    response = client.get(url)
    assert response.status_code == 503 and "opnieuw" in response.content.decode()

    monkeypatch.setattr(pdf, "certificate_pdf", real)  # space again
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    certificate.refresh_from_db()
    assert bytes(certificate.pdf).startswith(b"%PDF")
