"""Every reminder courses recorded (ReminderLog) becomes a once-only notification in core
(SentNotification, key ``courses:<kind>:<user id>:<key>``), so nothing is sent again after
the upgrade. The next migration drops ReminderLog."""

from django.db import migrations


def copy_forward(apps, schema_editor):
    ReminderLog = apps.get_model("glans_courses", "ReminderLog")
    SentNotification = apps.get_model("glans_core", "SentNotification")
    rows = (
        SentNotification(
            key=f"courses:{row.kind}:{row.user_id}:{row.key}",
            user_id=row.user_id,
            kind=row.kind,
            sent_at=row.sent_at,
        )
        for row in ReminderLog.objects.order_by("pk").iterator()
    )
    SentNotification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def copy_back(apps, schema_editor):
    ReminderLog = apps.get_model("glans_courses", "ReminderLog")
    SentNotification = apps.get_model("glans_core", "SentNotification")
    for row in SentNotification.objects.filter(key__startswith="courses:").iterator():
        _app, kind, user_id, key = row.key.split(":", 3)
        ReminderLog.objects.get_or_create(
            user_id=int(user_id), kind=kind, key=key, defaults={"sent_at": row.sent_at}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("glans_core", "0005_sent_notification"),
        ("glans_courses", "0005_practical_assessment"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_back)]
