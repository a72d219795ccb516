"""The admin writes sessions, registrations and enrolments through the course services (one
write path, core/actions.py): what a service refuses, the admin refuses with its translated
message and without a change."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from glans_learning.courses import services
from glans_learning.courses.models import Attendance, Enrollment, Session, SessionRegistration
from tests.courses.test_trust import csrf_client
from tests.factories import SessionFactory


@pytest.fixture
def held_session(programme):
    """A session that started an hour ago, with one learner whose attendance is recorded and
    one who is registered only."""
    start = timezone.now() - datetime.timedelta(hours=1)
    return SessionFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )


@pytest.fixture
def registrations(held_session, teacher, tdt_teacher):
    recorded = SessionRegistration.objects.create(
        session=held_session, user=teacher, attendance=Attendance.PRESENT
    )
    open_ = SessionRegistration.objects.create(session=held_session, user=tdt_teacher)
    return recorded, open_


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _delete(user, viewset, pk):
    url = reverse(f"{viewset}:delete", args=[pk])
    client, token = csrf_client(user, url)
    return client.post(url, {"csrfmiddlewaretoken": token})


def test_admin_cannot_delete_a_registration_whose_attendance_is_recorded(
    academy_trainer, registrations
):
    recorded, open_ = registrations
    response = _delete(academy_trainer, "glans_registrations", recorded.pk)
    assert response.status_code == 302
    assert SessionRegistration.objects.filter(pk=recorded.pk).exists()
    assert any("niet meer worden verwijderd" in m for m in _messages(response))
    # One without attendance goes, through the same service.
    assert _delete(academy_trainer, "glans_registrations", open_.pk).status_code == 302
    assert not SessionRegistration.objects.filter(pk=open_.pk).exists()


def test_the_refusal_is_translated(academy_trainer, registrations):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(academy_trainer)
    profile.preferred_language = "en"
    profile.save()
    recorded, _open = registrations
    response = _delete(academy_trainer, "glans_registrations", recorded.pk)
    assert any("can no longer be deleted" in m for m in _messages(response)), _messages(response)
    assert SessionRegistration.objects.filter(pk=recorded.pk).exists()


def test_admin_cannot_delete_a_session_with_recorded_attendance(
    academy_trainer, held_session, registrations
):
    response = _delete(academy_trainer, "glans_sessions", held_session.pk)
    assert response.status_code == 302
    assert Session.objects.filter(pk=held_session.pk).exists()
    assert SessionRegistration.objects.filter(session=held_session).count() == 2
    assert any("niet meer worden verwijderd" in m for m in _messages(response))


def test_admin_deletes_a_session_without_attendance(academy_trainer, programme):
    session = SessionFactory(programme=programme)
    assert _delete(academy_trainer, "glans_sessions", session.pk).status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()


def test_admin_withdraws_an_enrolment_through_the_service(
    academy_trainer, learner, programme, monkeypatch
):
    enrollment = Enrollment.objects.get(user=learner, programme=programme)
    calls = []
    real = services.enrolment_withdraw

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr("glans_learning.courses.services.enrolment.enrolment_withdraw", spy)
    url = reverse("glans_enrollments:edit", args=[enrollment.pk])
    client, token = csrf_client(academy_trainer, url)
    response = client.post(url, {"csrfmiddlewaretoken": token, "status": "withdrawn"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert calls and calls[0]["by"] == academy_trainer


def test_withdrawal_is_refused_to_someone_outside_the_enrolments_unit(
    other_director, learner, programme
):
    from django.core.exceptions import PermissionDenied

    enrollment = Enrollment.objects.get(user=learner, programme=programme)
    with pytest.raises(PermissionDenied):
        services.enrolment_withdraw(by=other_director, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_withdrawal_and_reinstatement_are_idempotent(academy_trainer, learner, programme):
    enrollment = Enrollment.objects.get(user=learner, programme=programme)
    for _ in range(2):
        services.enrolment_withdraw(by=academy_trainer, enrollment=enrollment)
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.WITHDRAWN
    for _ in range(2):
        services.enrolment_reinstate(by=academy_trainer, enrollment=enrollment)
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.ACTIVE
