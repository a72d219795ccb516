"""Background work never becomes a user-facing error (core/tasks.py), and a host
without a broker is told so by a system check."""

import datetime
import smtplib
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from glans_learning.core import checks, tasks
from glans_learning.core.models import OutboxMessage
from glans_learning.courses.models import ProgrammePage, Session, SessionRegistration
from glans_learning.courses.tasks import send_pending_confirmations, send_session_confirmation


@pytest.fixture
def celery_conf(monkeypatch):
    """The Celery app's own configuration (the test settings make it eager); each test says
    what the host configured."""
    conf = SimpleNamespace(broker_url=None, task_always_eager=False)
    monkeypatch.setattr(tasks, "_celery_conf", lambda: conf)
    return conf


@pytest.fixture
def session(loaded_fixture):
    start = timezone.now() + datetime.timedelta(days=7)
    return Session.objects.create(
        programme=ProgrammePage.objects.get(slug="proef"),
        kind=Session.Kind.TEAM,
        title="Bijeenkomst",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Utrecht",
    )


def register(teacher, session, captured):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    client.get(reverse("glans_accounts:profile"))
    token = client.cookies["csrftoken"].value
    with captured(execute=True):
        return client.post(
            f"/leren/bijeenkomsten/{session.pk}/aanmelden/", {"csrfmiddlewaretoken": token}
        )


@override_settings(CELERY_BROKER_URL=None, CELERY_TASK_ALWAYS_EAGER=False)
def test_without_a_broker_the_confirmation_is_sent_after_commit(
    teacher, session, celery_conf, django_capture_on_commit_callbacks
):
    response = register(teacher, session, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert SessionRegistration.objects.get(user=teacher).confirmation_sent_at is not None


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_TASK_ALWAYS_EAGER=False)
def test_an_unreachable_broker_keeps_the_work_in_the_outbox(
    teacher, session, celery_conf, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []

    def unreachable(*args, **kwargs):
        sent.append(kwargs)
        raise OperationalError("Connection refused")

    monkeypatch.setattr(send_session_confirmation, "apply_async", unreachable)
    response = register(teacher, session, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(sent) == 1
    assert mail.outbox == []  # not run in the request: the outbox keeps it
    [message] = OutboxMessage.objects.all()
    assert message.dispatched_at is None and "Connection refused" in message.last_error


@override_settings(CELERY_BROKER_URL="redis://broker.invalid/0", CELERY_TASK_ALWAYS_EAGER=False)
def test_with_a_broker_the_task_is_queued_after_commit(
    teacher, session, celery_conf, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        send_session_confirmation,
        "apply_async",
        lambda args, kwargs, **options: queued.append(args),
    )
    register(teacher, session, django_capture_on_commit_callbacks)
    registration = SessionRegistration.objects.get(user=teacher)
    assert queued == [[registration.pk]]
    assert mail.outbox == []
    assert OutboxMessage.objects.get().dispatched_at is not None


@override_settings(CELERY_BROKER_URL=None)
def test_a_failing_mail_is_no_error_and_is_sent_later(
    teacher, session, celery_conf, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    # The confirmation (with its .ics) leaves through calendar.send_mail_with_ics.
    monkeypatch.setattr("glans_learning.courses.tasks.send_mail_with_ics", down)
    response = register(teacher, session, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    registration = SessionRegistration.objects.get(user=teacher)
    assert registration.confirmation_sent_at is None
    monkeypatch.undo()
    assert send_pending_confirmations() == 1
    assert send_pending_confirmations() == 0
    assert len(mail.outbox) == 1


def test_mail_errors_are_retried_with_backoff():
    assert issubclass(smtplib.SMTPException, send_session_confirmation.autoretry_for)
    assert send_session_confirmation.max_retries >= 5
    assert send_session_confirmation.retry_backoff


@pytest.mark.parametrize(
    "task",
    [
        "glans_learning.courses.tasks.send_session_confirmation",
        "glans_learning.credentials.tasks.record_programme_completion",
        "glans_learning.credentials.tasks.record_module_completion",
        "glans_learning.credentials.tasks.record_attendance",
        "glans_learning.credentials.tasks.record_lesson_visit",
        "glans_learning.credentials.tasks.record_answer",
        "glans_learning.credentials.tasks.record_exercise_grade",
        "glans_learning.core.tasks.send_invitation",
    ],
)
def test_a_database_that_is_briefly_away_is_retried(task):
    """The soak run found it: a worker task that met "too many clients" failed, Celery
    acknowledged the message, and the certificate was never made. Now it is retried."""
    from django.db import InterfaceError
    from django.db import OperationalError as DatabaseDown
    from django.utils.module_loading import import_string

    task = import_string(task)
    assert issubclass(DatabaseDown, task.autoretry_for)
    assert issubclass(InterfaceError, task.autoretry_for)
    assert task.max_retries >= 5 and task.retry_backoff


def test_a_retried_record_task_finishes_the_work(teacher, monkeypatch, tmp_path):
    """Eager, as the test settings run tasks: the first attempt meets the database away, the
    retry records the visit once."""
    from django.db import OperationalError as DatabaseDown

    from glans_learning.courses.models import LessonPage
    from glans_learning.credentials import services as credential_services
    from glans_learning.credentials.models import LearningRecord
    from glans_learning.credentials.tasks import record_lesson_visit
    from tests.builders import build_programme

    programme = build_programme(tmp_path, slug="opnieuw", modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(programme).get()
    real, calls = credential_services.record_statement, []

    def flaky(**kwargs):
        calls.append(kwargs["verb"])
        if len(calls) == 1:
            raise DatabaseDown("connection failed: sorry, too many clients already")
        return real(**kwargs)

    monkeypatch.setattr(credential_services, "record_statement", flaky)
    result = record_lesson_visit.apply(
        args=[teacher.pk, lesson.pk, 0, timezone.now().isoformat()], throw=False
    )
    assert result.successful()
    assert calls == ["experienced", "experienced"]
    assert LearningRecord.objects.filter(user=teacher, verb="experienced").count() == 1


def test_broker_check(celery_conf):
    with override_settings(CELERY_BROKER_URL=None, CELERY_TASK_ALWAYS_EAGER=False):
        [warning] = checks.check_celery_broker()
        assert warning.id == "glans_core.W001"
        assert "CELERY_BROKER_URL" in warning.hint
    with override_settings(CELERY_BROKER_URL="redis://localhost:6379/0"):
        assert checks.check_celery_broker() == []
    with override_settings(CELERY_BROKER_URL=None, CELERY_TASK_ALWAYS_EAGER=True):
        assert checks.check_celery_broker() == []


def test_broker_check_without_any_celery_settings(celery_conf, settings):
    del settings.CELERY_BROKER_URL
    del settings.CELERY_TASK_ALWAYS_EAGER
    assert [m.id for m in checks.check_celery_broker()] == ["glans_core.W001"]
    celery_conf.broker_url = "redis://localhost:6379/0"
    assert checks.check_celery_broker() == []


def test_host_setup_check(settings):
    assert checks.check_host_setup() == []
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert [m.id for m in checks.check_host_setup()] == ["glans_core.E002"]


class Recorder:
    name = "tests.recorder"

    def __init__(self, fail=False):
        self.calls, self.fail = [], fail

    def __call__(self, *args):
        self.calls.append(args)
        if self.fail:
            raise RuntimeError("task failed")


@override_settings(CELERY_BROKER_URL=None)
def test_enqueue_waits_for_commit_and_never_raises(
    db, celery_conf, django_capture_on_commit_callbacks
):
    from django.db import transaction

    task = Recorder()
    with pytest.raises(ValueError), transaction.atomic():
        tasks.enqueue(task, 1)
        raise ValueError("rolled back")
    assert task.calls == []  # nothing for rows that were rolled back
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(task, 2)
        assert task.calls == []
    assert task.calls == [(2,)]
    failing = Recorder(fail=True)
    assert tasks.dispatch(failing, 3) == "failed"
    assert failing.calls == [(3,)]
