"""The certificate over its years: the PDF (made once), expiry reminders, the yearly check-in
and its effect on verification and the register, revocation everywhere; and the handbook's
comments and attachments (school only, frozen in the dossier)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from glans_learning.certification import documents, lifecycle, selectors, services, tasks
from glans_learning.certification.models import Certificate, CheckIn
from glans_learning.core.models import SentNotification
from tests.factories import log_in, person

from .test_services import walk_to_decision
from .test_views import csrf_client, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(application, auditor, django_capture_on_commit_callbacks):
    walk_to_decision(application, auditor)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            application=application,
            user=auditor,
            certified=True,
            valid_until=timezone.localdate() + datetime.timedelta(days=3 * 365),
        )
    mail.outbox.clear()  # the decision's own mail (mail_audit_outcome) is not a reminder
    return Certificate.objects.get(application=application)


def _client(user):
    client = Client()
    log_in(client, user)  # auditors with a verified second factor (issue #23)
    return client


# --- the PDF ---------------------------------------------------------------------------


def test_decision_makes_the_pdf_once(certificate):
    assert bytes(certificate.pdf).startswith(b"%PDF")
    first = bytes(certificate.pdf)
    assert tasks.make_certificate_pdf(certificate.pk) is True
    documents.certificate_pdf_make(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert bytes(certificate.pdf) == first
    assert Certificate.objects.filter(unit=certificate.unit).count() == 1


def test_school_and_board_download_the_pdf_others_do_not(
    certificate, director, other_director, regenboog
):
    url = reverse("glans_certification:certificate_pdf", args=[certificate.pk])
    response = _client(director).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    board = person("bestuur.expert", unit=regenboog, roles=["board_expertgroep"])
    assert _client(board).get(url).status_code == 200
    assert _client(other_director).get(url).status_code == 404


def test_without_weasyprint_a_clear_message_not_an_error(certificate, director, monkeypatch):
    Certificate.objects.filter(pk=certificate.pk).update(pdf=None)
    monkeypatch.setattr("glans_learning.core.pdf.pdf_available", lambda: False)
    client = _client(director)
    url = reverse("glans_certification:certificate_pdf", args=[certificate.pk])
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert "WeasyPrint ontbreekt" in response.content.decode()
    assert tasks.make_certificate_pdf(certificate.pk) is False
    dossier = reverse("glans_certification:dossier_pdf", args=[certificate.application_id])
    assert "WeasyPrint ontbreekt" in client.get(dossier, follow=True).content.decode()


def test_dossier_pdf_for_readers_only(application, director, other_director):
    url = reverse("glans_certification:dossier_pdf", args=[application.pk])
    response = _client(director).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert _client(other_director).get(url).status_code == 404


# --- the state over the years --------------------------------------------------------


def _issued_ago(certificate, days):
    certificate.issued_at = timezone.now() - datetime.timedelta(days=days)
    certificate.save()
    certificate.refresh_from_db()
    return certificate


def test_checkin_states_from_open_to_suspended(certificate):
    issued = timezone.localdate(certificate.issued_at)
    due = lifecycle.checkin_dates(certificate)[0]
    assert due == issued.replace(year=issued.year + 1)
    state = lifecycle.certificate_state
    assert state(certificate, today=issued)["state"] == "valid"
    assert state(certificate, today=due - datetime.timedelta(days=10))["state"] == "checkin_open"
    assert state(certificate, today=due + datetime.timedelta(days=45))["state"] == "checkin_overdue"
    suspended = state(certificate, today=due + datetime.timedelta(days=120))
    assert suspended["state"] == "suspended" and not suspended["valid"]
    after = certificate.valid_until + datetime.timedelta(days=1)
    assert state(certificate, today=after)["state"] == "expired"


def test_checkin_keeps_it_valid_and_the_auditor_accepts(certificate, director, auditor):
    certificate = _issued_ago(certificate, 365 + 100)  # check-in was due 100 days ago
    assert lifecycle.certificate_state(certificate)["state"] == "suspended"
    certificate.in_register = True
    certificate.save()
    assert certificate not in selectors.public_register()
    verify = reverse("glans_certification:verify", args=[certificate.code])
    assert "tijdelijk geschorst" in Client().get(verify).content.decode()
    # No measurement on target in this world: the school says how it works on it.
    with pytest.raises(ValidationError):
        services.checkin_confirm(certificate=certificate, user=director)
    with pytest.raises(PermissionDenied):
        services.checkin_confirm(certificate=certificate, user=auditor, remarks="x")
    checkin = services.checkin_confirm(
        certificate=certificate, user=director, remarks="We oefenen de gesprekken samen."
    )
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert lifecycle.certificate_state(certificate)["state"] == "valid"
    assert certificate in selectors.public_register()
    assert "is School met Glans" in Client().get(verify).content.decode()
    with pytest.raises(ValidationError):
        services.checkin_confirm(certificate=certificate, user=director, remarks="nog eens")
    with pytest.raises(PermissionDenied):
        services.checkin_accept(checkin=checkin, user=director)
    services.checkin_accept(checkin=checkin, user=auditor, remarks="Mooi gegroeid.")
    assert CheckIn.objects.get().accepted_by == auditor


def test_checkin_screens(certificate, director, auditor, verified_login):
    certificate = _issued_ago(certificate, 365 - 5)
    url = reverse("glans_certification:checkin", args=[certificate.pk])
    school = csrf_client(director, warm_url=url)
    assert "Check-in bevestigen" in school.get(url).content.decode()
    response = post(school, url, {"remarks": ""})
    assert response.status_code == 302 and not CheckIn.objects.exists()
    post(school, url, {"remarks": "We werken aan de overdracht."})
    checkin = CheckIn.objects.get()
    worklist = _client(auditor).get(reverse("glans_certification:worklist")).content.decode()
    assert "Jaarlijkse check-ins om te bekijken" in worklist and "De Zonnebloem" in worklist
    auditor_client = csrf_client(auditor, verified_login, warm_url=url)
    accept = reverse("glans_certification:checkin_accept", args=[checkin.pk])
    assert post(school, accept, {}).status_code == 404
    assert post(auditor_client, accept, {"remarks": "Dank!"}).status_code == 302
    checkin.refresh_from_db()
    assert checkin.accepted_at is not None


def test_expired_and_revoked_show_everywhere(certificate, director, auditor):
    certificate.in_register = True
    certificate.save()
    verify = reverse("glans_certification:verify", args=[certificate.code])
    unit_url = reverse("glans_certification:unit", args=[certificate.unit_id])
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert "is verlopen" in Client().get(verify).content.decode()
    assert not selectors.public_register()
    assert selectors.status_label(unit=certificate.unit) == "expired"
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=100)
    )
    certificate.refresh_from_db()
    services.certificate_revoke(certificate=certificate, user=auditor, reason="Afspraak gemist.")
    assert "is ingetrokken" in Client().get(verify).content.decode()
    assert not selectors.public_register()
    assert selectors.status_label(unit=certificate.unit) == "revoked"
    page = _client(director).get(unit_url).content.decode()
    assert "ingetrokken" in page and "Afspraak gemist." in page
    pdf = reverse("glans_certification:certificate_pdf", args=[certificate.pk])
    assert "ingetrokken" in _client(director).get(pdf, follow=True).content.decode()


# --- reminders -------------------------------------------------------------------------


def test_reminders_once_per_threshold(certificate, mailoutbox, director):
    mailoutbox.clear()  # the decision's own mail (issue #23)
    certificate.valid_until = timezone.localdate() + datetime.timedelta(days=80)
    certificate.save()
    assert tasks.send_certification_reminders() == 1
    assert tasks.send_certification_reminders() == 0
    assert len(mailoutbox) == 1
    assert director.email in mailoutbox[0].to
    assert "loopt binnenkort af" in mailoutbox[0].subject
    certificate.valid_until = timezone.localdate() + datetime.timedelta(days=20)
    certificate.save()
    assert tasks.send_certification_reminders() == 1
    assert tasks.send_certification_reminders() == 0
    keys = set(SentNotification.objects.values_list("key", flat=True))
    prefix = f"certification:certificate:{certificate.pk}:"
    assert keys == {f"{prefix}expiry-90", f"{prefix}expiry-30"}


def test_checkin_reminder_once(certificate, mailoutbox):
    mailoutbox.clear()  # the decision's own mail (issue #23)
    _issued_ago(certificate, 365 - 20)
    assert tasks.send_certification_reminders() == 1
    assert tasks.send_certification_reminders() == 0
    assert "check-in" in mailoutbox[0].subject


# --- comments and attachments ------------------------------------------------------------


def _upload(name="plan.pdf", content=b"%PDF-1.4 plan"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_comments_are_the_schools_own(handbook, director, other_director, auditor, tdt_teacher):
    criterion = handbook.criterion_set.criteria.first()
    services.comment_add(handbook=handbook, user=director, criterion_id=criterion.pk, body="Goed!")
    # A TdT participant of the school adds a comment too (the team), nobody outside does.
    from glans_learning.organisations.services import membership_grant

    membership_grant(user=tdt_teacher, unit=handbook.unit, role_codes=["tdt_participant"])
    services.comment_add(handbook=handbook, user=tdt_teacher, criterion_id=criterion.pk, body="Ja")
    for outsider in (other_director, auditor):
        with pytest.raises(PermissionDenied):
            services.comment_add(
                handbook=handbook, user=outsider, criterion_id=criterion.pk, body="x"
            )
    with pytest.raises(ValidationError):
        services.comment_add(handbook=handbook, user=director, criterion_id=criterion.pk, body=" ")
    url = reverse("glans_certification:workspace", args=[handbook.pk])
    assert "Goed!" in _client(director).get(url).content.decode()
    assert _client(other_director).get(url).status_code == 404
    assert _client(auditor).get(url).status_code == 404


def test_attachment_type_and_size_are_checked(handbook, director, monkeypatch):
    criterion = handbook.criterion_set.criteria.first()
    url = reverse("glans_certification:workspace", args=[handbook.pk])
    client = csrf_client(director, warm_url=url)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        url,
        {
            "action": "attach",
            "criterion": criterion.pk,
            "file": bad,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
        follow=True,
    )
    assert "Dit soort bestand kan niet als bijlage" in response.content.decode()
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 5)
    with pytest.raises(ValidationError):
        services.attachment_add(
            handbook=handbook, user=director, criterion_id=criterion.pk, title="", upload=_upload()
        )
    assert not handbook.attachments.exists()


def test_attachments_are_frozen_in_the_dossier(
    handbook, director, other_director, auditor, zonnebloem
):
    criterion = handbook.criterion_set.criteria.first()
    kept = services.attachment_add(
        handbook=handbook, user=director, criterion_id=criterion.pk, title="Plan", upload=_upload()
    )
    own = reverse("glans_certification:attachment", args=[kept.pk])
    assert _client(director).get(own).status_code == 200
    assert _client(other_director).get(own).status_code == 404
    assert _client(auditor).get(own).status_code == 404  # auditors judge the dossier
    application = services.application_submit(unit=zonnebloem, user=director)
    later = services.attachment_add(
        handbook=handbook, user=director, criterion_id=criterion.pk, title="Later", upload=_upload()
    )
    services.attachment_remove(attachment=kept, user=director)
    assert [a["title"] for a in application.dossier["attachments"]] == ["Plan"]
    listed = reverse("glans_certification:dossier_attachment", args=[application.pk, kept.pk])
    response = _client(auditor).get(listed)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    not_listed = reverse("glans_certification:dossier_attachment", args=[application.pk, later.pk])
    assert _client(auditor).get(not_listed).status_code == 404
    assert _client(other_director).get(listed).status_code == 404
    page = _client(auditor).get(reverse("glans_certification:application", args=[application.pk]))
    assert "Plan" in page.content.decode() and "Later" not in page.content.decode()


def test_api_shows_the_certificate_state(certificate, director):
    _issued_ago(certificate, 365 + 120)
    url = f"/api/v1/organisations/{certificate.unit_id}/certification"
    data = _client(director).get(url).json()
    assert data["status"] == "suspended"
    assert data["certificate"]["state"] == "suspended"


def test_board_expertgroep_reaches_the_certificate_from_the_board_view(
    certificate, zonnebloem, auditor
):
    board = person("bestuur.expert2", unit=zonnebloem, roles=["board_expertgroep"])
    client = _client(board)
    page = client.get(reverse("glans_certification:board", args=[zonnebloem.board_id]))
    cert_url = reverse("glans_certification:certificate", args=[certificate.pk])
    assert cert_url in page.content.decode()
    assert "Certificaat downloaden (PDF)" in client.get(cert_url).content.decode()
    services.certificate_revoke(certificate=certificate, user=auditor, reason="Op verzoek.")
    application = reverse("glans_certification:application", args=[certificate.application_id])
    assert client.get(application).status_code == 404  # the dossier stays the school's
    board_page = client.get(reverse("glans_certification:board", args=[zonnebloem.board_id]))
    assert "certificaat ingetrokken" in board_page.content.decode()
