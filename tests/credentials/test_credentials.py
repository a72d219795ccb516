"""Registration points, certificates, Open Badges and xAPI records from achievements."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from jwcrypto.jws import InvalidJWSSignature

from glans_learning.courses.models import ModuleCompletion, ProgrammeCompletion, Register
from glans_learning.credentials import badges, services, signing, tasks
from glans_learning.credentials.models import (
    Accreditation,
    Certificate,
    LearningRecord,
    PointsEntry,
)
from tests.builders import build_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(tmp_path):
    return build_programme(tmp_path, slug="tdt", modules=1, lessons_per_module=1)


@pytest.fixture
def po_register(db):
    return Register.objects.get(name="Schoolleidersregister PO")


@pytest.fixture
def accredited(programme, po_register):
    return Accreditation.objects.create(
        register=po_register, programme=programme, value=Decimal("24"), accreditation_id="SLR-1"
    )


def complete(user, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return ProgrammeCompletion.objects.create(
            user=user, programme=programme, completed_at=timezone.now()
        )


def test_seeded_registers(po_register):
    assert po_register.unit == "points" and po_register.required_per_cycle == 100
    assert Register.objects.get(name__startswith="Lerarenportfolio").unit == "hours"


def test_completion_writes_points_once_and_issues_a_certificate(
    director, programme, accredited, django_capture_on_commit_callbacks
):
    completion = complete(director, programme, django_capture_on_commit_callbacks)
    entry = PointsEntry.objects.get(user=director)
    assert entry.amount == Decimal("24") and entry.accreditation_id == "SLR-1"
    certificate = Certificate.objects.get(user=director)
    assert certificate.pdf[:4] == b"%PDF"
    # Retries and re-evaluations change nothing.
    for _ in range(3):
        tasks.record_programme_completion(completion.pk)
    assert PointsEntry.objects.filter(user=director).count() == 1
    assert Certificate.objects.get(user=director).code == certificate.code
    assert LearningRecord.objects.filter(user=director).count() == 2  # completed + earned


def test_window_outside_earns_nothing(director, programme, po_register):
    today = timezone.localdate()
    Accreditation.objects.create(
        register=po_register, programme=programme, value=5, valid_until=today.replace(year=2000)
    )
    completion = ProgrammeCompletion.objects.create(
        user=director, programme=programme, completed_at=timezone.now()
    )
    assert services.ledger_record_programme(completion=completion) == []


def test_module_completion_and_entries_survive_page_deletion(
    director, programme, po_register, django_capture_on_commit_callbacks
):
    module = programme.get_children().specific().first()
    Accreditation.objects.create(register=po_register, module=module, value=3)
    with django_capture_on_commit_callbacks(execute=True):
        ModuleCompletion.objects.create(user=director, module=module, completed_at=timezone.now())
    assert PointsEntry.objects.get(user=director, source_type="module").amount == 3
    module.delete()
    assert PointsEntry.objects.filter(user=director).count() == 1


def test_correction_needs_admin_and_reason(director, admin_user, po_register):
    with pytest.raises(PermissionDenied):
        services.points_correct(
            by=director, register=po_register, user=director, amount=5, reason="x"
        )
    with pytest.raises(ValidationError):
        services.points_correct(
            by=admin_user, register=po_register, user=director, amount=5, reason=" "
        )
    assert not PointsEntry.objects.exists()
    entry = services.points_correct(
        by=admin_user, register=po_register, user=director, amount="-2", reason="dubbel"
    )
    assert entry.amount == Decimal("-2") and entry.created_by == admin_user


def test_points_api_and_dashboard(
    director, programme, accredited, django_capture_on_commit_callbacks
):
    complete(director, programme, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(director)
    data = client.get("/api/v1/me/points").json()
    (register,) = data["registers"]
    assert register["name"] == "Schoolleidersregister PO"
    assert Decimal(register["total"]) == 24 and register["required"] == 100
    (cert,) = client.get("/api/v1/me/certificates").json()
    assert cert["programme"] == programme.title
    page = client.get(reverse("glans_courses:my_route")).content.decode()
    assert "Certificaat (PDF)" in page and "Schoolleidersregister PO" in page
    pdf = client.get(cert["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_other_learners_cannot_download(
    director, teacher, programme, django_capture_on_commit_callbacks
):
    complete(director, programme, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    client = Client()
    client.force_login(teacher)
    assert (
        client.get(
            reverse("glans_credentials:certificate_pdf", args=[certificate.code])
        ).status_code
        == 404
    )


def test_verification_page_says_valid_then_revoked(
    director, admin_user, programme, django_capture_on_commit_callbacks
):
    complete(director, programme, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    url = reverse("glans_credentials:verify", args=[certificate.code])
    page = Client().get(url).content.decode()
    # What a verifier needs (issue #23 §5): holder, programme, issued, valid until, issuer.
    assert 'data-status="valid"' in page
    assert certificate.learner_name in page and programme.title in page
    assert timezone.localdate(certificate.issued_at).strftime("%Y") in page
    assert "zonder einddatum" in page and "Glans Academie" in page
    assert director.email not in page and director.username not in page
    with pytest.raises(ValidationError):
        services.certificate_revoke(by=admin_user, certificate=certificate, reason="")
    services.certificate_revoke(by=admin_user, certificate=certificate, reason="fraude")
    page = Client().get(url).content.decode()
    assert 'data-status="revoked"' in page and "fraude" in page
    assert "Ingetrokken op" in page
    assert Client().get(reverse("glans_credentials:verify", args=["ONBEKEND"])).status_code == 404


def test_credential_verifies_with_published_key_and_status_shows_revocation(
    director, admin_user, programme, django_capture_on_commit_callbacks
):
    complete(director, programme, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    client = Client()
    published = client.get(reverse("glans_credentials:jwks")).json()
    token = client.get(
        reverse("glans_credentials:credential", args=[certificate.code]), {"format": "jwt"}
    ).content.decode()
    payload = signing.verify(token, published)
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    # A key rotation keeps older credentials verifying.
    signing.key_rotate()
    signing.verify(token, client.get(reverse("glans_credentials:jwks")).json())
    # Tampering is detected.
    head, body, sig = token.split(".")
    with pytest.raises(InvalidJWSSignature):
        signing.verify(f"{head}.{body[:-2]}AA.{sig}", published)
    index = int(payload["credentialStatus"]["statusListIndex"])
    status_url = payload["credentialStatus"]["statusListCredential"].split("8000", 1)[-1]
    status = client.get(status_url).json()["credentialSubject"]["encodedList"]
    assert not badges.is_revoked_in(status, index)
    services.certificate_revoke(by=admin_user, certificate=certificate, reason="fraude")
    status_jwt = client.get(status_url, {"format": "jwt"}).content.decode()
    signed = signing.verify(status_jwt, client.get(reverse("glans_credentials:jwks")).json())
    assert badges.is_revoked_in(signed["credentialSubject"]["encodedList"], index)
    ob2 = client.get(reverse("glans_credentials:assertion", args=[certificate.code]))
    assert ob2.status_code == 410 and ob2.json()["revoked"] is True


def test_verification_names_the_configured_issuer_and_an_anonymised_holder(
    director, programme, settings, django_capture_on_commit_callbacks
):
    settings.GLANS_CREDENTIAL_ISSUER_NAME = "Academie voor Ouderbetrokkenheid"
    complete(director, programme, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(
        holder_anonymised_at=timezone.now(), learner_name=""
    )
    page = Client().get(reverse("glans_credentials:verify", args=[certificate.code]))
    html = page.content.decode()
    assert "houder geanonimiseerd" in html and "Academie voor Ouderbetrokkenheid" in html
    assert programme.title in html


def test_open_badges_download_as_files(director, programme, django_capture_on_commit_callbacks):
    complete(director, programme, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    client = Client()
    client.force_login(director)
    page = client.get(reverse("glans_credentials:mine")).content.decode()
    assert "wallet" in page and "?download=1" in page
    for name, filename in (
        ("glans_credentials:credential", f"open-badge-{certificate.code}.json"),
        ("glans_credentials:assertion", f"open-badge-2-{certificate.code}.json"),
    ):
        response = Client().get(reverse(name, args=[certificate.code]), {"download": "1"})
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert json.loads(response.content)


def test_ob2_assertion_and_badge_class(director, programme, django_capture_on_commit_callbacks):
    complete(director, programme, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    client = Client()
    assertion = client.get(reverse("glans_credentials:assertion", args=[certificate.code])).json()
    assert assertion["type"] == "Assertion" and assertion["verification"] == {"type": "hosted"}
    assert assertion["recipient"]["identity"].startswith("sha256$")
    badge = client.get(assertion["badge"].split("8000", 1)[-1]).json()
    assert badge["type"] == "BadgeClass" and badge["name"] == programme.title


def test_register_export(
    director,
    admin_user,
    programme,
    accredited,
    po_register,
    verified_login,
    django_capture_on_commit_callbacks,
):
    complete(director, programme, django_capture_on_commit_callbacks)
    client = Client()
    verified_login(client, admin_user)
    url = reverse("glans_credentials:register_export", args=[po_register.pk])
    response = client.get(url, {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Accreditatienummer;Activiteit;Datum")
    assert "SLR-1" in text
    assert client.get(url, {"format": "pdf"}).status_code == 400
    other = Client()
    other.force_login(director)
    assert other.get(url).status_code == 404


# --- xAPI forwarding against a local LRS stub -------------------------------------------


class _LRS(BaseHTTPRequestHandler):
    store: dict = {}
    down = False

    def do_POST(self):  # noqa: N802
        if type(self).down:
            self.send_response(503)
            self.end_headers()
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.headers["X-Experience-API-Version"] == "1.0.3"
        new = [s for s in body if s["id"] not in self.store]
        for s in body:
            self.store.setdefault(s["id"], s)
        self.send_response(200 if new else 204)
        self.end_headers()
        if new:
            self.wfile.write(json.dumps([s["id"] for s in new]).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def lrs(settings):
    _LRS.store, _LRS.down = {}, False
    server = HTTPServer(("127.0.0.1", 0), _LRS)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GLANS_LRS_ENDPOINT = f"http://127.0.0.1:{server.server_port}/xAPI"
    settings.GLANS_LRS_KEY, settings.GLANS_LRS_SECRET = "lms", "secret"
    yield _LRS
    server.shutdown()


def test_statements_reach_the_lrs_once_after_it_was_down(
    director, programme, lrs, django_capture_on_commit_callbacks
):
    lrs.down = True
    complete(director, programme, django_capture_on_commit_callbacks)
    assert LearningRecord.objects.filter(forwarded_at__isnull=True).count() == 2
    assert not lrs.store
    from glans_learning.credentials.xapi import LRSUnavailable

    with pytest.raises(LRSUnavailable):
        tasks.forward_statements.run()
    lrs.down = False
    assert tasks.forward_statements.run() == 2
    assert tasks.forward_statements.run() == 0
    # Re-sending everything (a lost acknowledgement) stores nothing twice.
    LearningRecord.objects.update(forwarded_at=None)
    assert tasks.forward_statements.run() == 2
    assert len(lrs.store) == 2
    ids = set(lrs.store)
    assert {str(r.id) for r in LearningRecord.objects.all()} == ids
