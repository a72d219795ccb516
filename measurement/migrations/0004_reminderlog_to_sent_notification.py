"""Every measurement reminder recorded (ReminderLog) becomes a once-only notification in core
(SentNotification, key ``measurement:moment:<moment id>:<user id>``), so nothing is sent
again after the upgrade. The next migration drops ReminderLog."""

from django.db import migrations


def copy_forward(apps, schema_editor):
    ReminderLog = apps.get_model("glans_measurement", "ReminderLog")
    SentNotification = apps.get_model("glans_core", "SentNotification")
    rows = (
        SentNotification(
            key=f"measurement:moment:{row.moment_id}:{row.user_id}",
            user_id=row.user_id,
            kind="measurement-moment",
            sent_at=row.sent_at,
        )
        for row in ReminderLog.objects.order_by("pk").iterator()
    )
    SentNotification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def copy_back(apps, schema_editor):
    ReminderLog = apps.get_model("glans_measurement", "ReminderLog")
    SentNotification = apps.get_model("glans_core", "SentNotification")
    for row in SentNotification.objects.filter(key__startswith="measurement:moment:"):
        _app, _kind, moment_id, user_id = row.key.split(":", 3)
        ReminderLog.objects.get_or_create(moment_id=int(moment_id), user_id=int(user_id))


class Migration(migrations.Migration):
    dependencies = [
        ("glans_core", "0005_sent_notification"),
        ("glans_measurement", "0003_importjob_end_missing"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_back)]
