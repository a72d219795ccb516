"""The once-only notification service (core/notifications.py): the key is claimed and the
mail sent in one transaction, so a retry never sends twice and a failed send is sent by the
next run; the selectors answer in one query; the data migrations copy the old once-only rows
of courses, certification and measurement so nothing goes out again after the upgrade."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from glans_learning.core.models import SentNotification
from glans_learning.core.notifications import (
    notification_key,
    notify_once,
    sent_keys,
    sent_keys_starting,
    was_sent,
)
from tests.factories import SchoolYearFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _mailer(to="a@example.invalid"):
    def send():
        mail.send_mail("Onderwerp", "Tekst", None, [to])

    return send


def test_a_retry_never_sends_twice():
    user = UserFactory()
    key = notification_key("courses", "stalled", user.pk, "enrollment:1:2026-01-01")
    assert notify_once(key=key, kind="stalled", user=user, send=_mailer()) is True
    assert notify_once(key=key, kind="stalled", user=user, send=_mailer()) is False
    assert len(mail.outbox) == 1
    row = SentNotification.objects.get()
    assert (row.key, row.user, row.kind) == (key, user, "stalled")


def test_a_failed_send_leaves_no_record_and_is_sent_by_the_next_run():
    calls = []

    def failing():
        calls.append(1)
        raise smtplib.SMTPServerDisconnected("down")

    with pytest.raises(smtplib.SMTPServerDisconnected):
        notify_once(key="courses:session:1:session:2", kind="session", send=failing)
    assert not SentNotification.objects.exists()
    assert notify_once(key="courses:session:1:session:2", kind="session", send=_mailer())
    assert notify_once(key="courses:session:1:session:2", kind="session", send=_mailer()) is False
    assert len(calls) == 1 and len(mail.outbox) == 1


def test_selectors_answer_in_one_query(django_assert_num_queries):
    for n in range(5):
        SentNotification.objects.create(key=f"measurement:moment:7:{n}", kind="m")
    keys = [f"measurement:moment:7:{n}" for n in range(10)]
    with django_assert_num_queries(1):
        assert sent_keys(keys) == set(keys[:5])
    with django_assert_num_queries(1):
        assert len(sent_keys_starting("measurement:moment:7:")) == 5
    with django_assert_num_queries(1):
        assert was_sent(keys[0]) and True
    with django_assert_num_queries(0):
        assert sent_keys([]) == set()


@pytest.mark.django_db(transaction=True)
def test_the_migrations_copy_every_old_once_only_row():
    """Back to before the copy, old rows in the old tables, forward again: each is a
    SentNotification with its key, so the reminder is not sent again."""
    from tests.measurement.conftest import open_moment

    user = UserFactory()
    moment = open_moment(UnitFactory(), SchoolYearFactory())
    before = [
        ("glans_courses", "0005_practical_assessment"),
        ("glans_measurement", "0003_importjob_end_missing"),
    ]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    sent_at = timezone.now() - datetime.timedelta(days=3)
    row = old.get_model("glans_courses", "ReminderLog").objects.create(
        user_id=user.pk, kind="stalled", key="enrollment:3:2026-01-05"
    )
    old.get_model("glans_courses", "ReminderLog").objects.filter(pk=row.pk).update(sent_at=sent_at)
    old.get_model("glans_measurement", "ReminderLog").objects.create(
        moment_id=moment.pk, user_id=user.pk
    )
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    copied = {n.key: n for n in SentNotification.objects.all()}
    stalled = copied[f"courses:stalled:{user.pk}:enrollment:3:2026-01-05"]
    assert (stalled.user_id, stalled.kind, stalled.sent_at) == (user.pk, "stalled", sent_at)
    assert copied[f"measurement:moment:{moment.pk}:{user.pk}"].user_id == user.pk
    assert len(copied) == 2


def test_the_certificate_reminders_are_copied_with_their_keys():
    """certification's copy (its certificate needs a whole dossier, so the function is run
    on stand-in old rows rather than through the executor)."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module(
        "glans_learning.certification.migrations.0006_certificatereminder_to_sent_notification"
    )
    sent_at = timezone.now() - datetime.timedelta(days=40)
    old_rows = [
        SimpleNamespace(certificate_id=4, key="expiry-90", sent_at=sent_at),
        SimpleNamespace(certificate_id=4, key="checkin-2027-10-01", sent_at=sent_at),
    ]

    class OldRows:
        class objects:  # noqa: N801 (stands in for a manager)
            @staticmethod
            def order_by(*args):
                return SimpleNamespace(iterator=lambda: iter(old_rows))

    class OldApps:
        @staticmethod
        def get_model(app_label, name):
            return OldRows if name == "CertificateReminder" else apps.get_model(app_label, name)

    migration.copy_forward(OldApps, None)
    migration.copy_forward(OldApps, None)  # running it twice copies nothing twice
    rows = {n.key: n.kind for n in SentNotification.objects.all()}
    assert rows == {
        "certification:certificate:4:expiry-90": "certificate-expiry",
        "certification:certificate:4:checkin-2027-10-01": "certificate-checkin",
    }
    # ...and the task reads them: this reminder is not sent again.
    from glans_learning.certification.tasks import certificate_reminder_key

    assert was_sent(certificate_reminder_key(4, "expiry-90"))
