"""Measurement reminders: once per moment and teacher (core.notifications.notify_once), the
mail names the moment only, and a mail that failed is sent by the next run."""

import smtplib

import pytest
from django.core import mail

from glans_learning.core.models import SentNotification
from glans_learning.measurement import tasks

pytestmark = pytest.mark.django_db


def test_a_teacher_is_reminded_once_and_a_failed_mail_is_sent_next_run(
    school, teacher, monkeypatch
):
    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(tasks, "send_mail", down)
    assert tasks.send_measurement_reminders() == 0
    assert not SentNotification.objects.exists()
    monkeypatch.undo()
    assert tasks.send_measurement_reminders() == 1
    assert tasks.send_measurement_reminders() == 0
    [message] = mail.outbox
    assert message.to == [teacher.email]
    assert "Kind" not in message.body  # never a family label
    row = SentNotification.objects.get()
    assert row.user == teacher
    assert row.key == tasks.reminder_key(moment_id=school["moment"].pk, user_id=teacher.pk)
