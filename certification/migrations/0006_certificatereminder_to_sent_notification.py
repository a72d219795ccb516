"""Every certificate reminder recorded (CertificateReminder) becomes a once-only notification
in core (SentNotification, key ``certification:certificate:<certificate id>:<reason>``), so
nothing is sent again after the upgrade. The next migration drops CertificateReminder."""

from django.db import migrations


def copy_forward(apps, schema_editor):
    CertificateReminder = apps.get_model("glans_certification", "CertificateReminder")
    SentNotification = apps.get_model("glans_core", "SentNotification")
    rows = (
        SentNotification(
            key=f"certification:certificate:{row.certificate_id}:{row.key}",
            kind=f"certificate-{row.key.split('-')[0]}",
            sent_at=row.sent_at,
        )
        for row in CertificateReminder.objects.order_by("pk").iterator()
    )
    SentNotification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def copy_back(apps, schema_editor):
    CertificateReminder = apps.get_model("glans_certification", "CertificateReminder")
    SentNotification = apps.get_model("glans_core", "SentNotification")
    for row in SentNotification.objects.filter(key__startswith="certification:certificate:"):
        _app, _kind, certificate_id, key = row.key.split(":", 3)
        CertificateReminder.objects.get_or_create(
            certificate_id=int(certificate_id), key=key, defaults={"sent_at": row.sent_at}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("glans_core", "0005_sent_notification"),
        ("glans_certification", "0005_merge_audit_mails_and_rubric"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_back)]
