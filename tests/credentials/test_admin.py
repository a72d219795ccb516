"""Admin: corrections are new ledger entries with a reason; revocation needs a reason."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from glans_learning.courses.models import ProgrammeCompletion, Register
from glans_learning.credentials import services
from glans_learning.credentials.models import Certificate, PointsEntry
from tests.builders import build_programme

pytestmark = pytest.mark.django_db


def test_correction_in_the_admin(admin_user, director, verified_login):
    register = Register.objects.get(name="Schoolleidersregister PO")
    client = Client(enforce_csrf_checks=False)
    verified_login(client, admin_user)
    url = reverse("glans_points:add")
    data = {
        "register": register.pk,
        "user": director.pk,
        "amount": "4",
        "earned_on": "2026-01-05",
        "reason": "",
    }
    client.post(url, data)
    assert not PointsEntry.objects.exists()  # no reason, nothing saved
    client.post(url, data | {"reason": "Cursus elders gevolgd"})
    entry = PointsEntry.objects.get()
    assert entry.amount == Decimal(4) and entry.reason == "Cursus elders gevolgd"
    assert entry.created_by == admin_user and entry.source_type == "correction"
    # Entries are never edited.
    response = client.get(reverse("glans_points:edit", args=[entry.pk]))
    assert response.status_code == 302


def test_revocation_in_the_admin(admin_user, director, tmp_path, verified_login):
    programme = build_programme(tmp_path, slug="x", modules=1, lessons_per_module=1)
    completion = ProgrammeCompletion.objects.create(
        user=director, programme=programme, completed_at=timezone.now()
    )
    certificate = services.certificate_issue(completion=completion)
    client = Client()
    verified_login(client, admin_user)
    url = reverse("glans_certificates:edit", args=[certificate.pk])
    client.post(url, {"revocation_reason": "  "})
    assert not Certificate.objects.get().is_revoked
    client.post(url, {"revocation_reason": "Ten onrechte uitgereikt"})
    certificate = Certificate.objects.get()
    assert certificate.is_revoked and certificate.revoked_by == admin_user


def test_auditors_see_no_staff_names_in_the_admin_listings(auditor, verified_login):
    """Issue #23 §4: the ledger and the certificates name staff; auditors see aggregates."""
    from tests.factories import person

    learner = person("juf.annemarie", first_name="Annemarie", last_name="Zwanenburg")
    register = Register.objects.create(name="Lerarenregister")
    PointsEntry.objects.create(
        user=learner, register=register, amount=Decimal("2"), earned_on=timezone.localdate()
    )
    client = Client()
    verified_login(client, auditor)
    for name in ("glans_points:index", "glans_certificates:index"):
        response = client.get(reverse(name))
        assert "Zwanenburg" not in response.content.decode()
        assert response.status_code in (302, 403, 404)
