import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def fill(apps, schema_editor):
    """Count the ratings already there (one set-based statement per 100 schools)."""
    from glans_learning.measurement.services import tallies_rebuild

    if apps.get_model("glans_measurement", "Rating").objects.exists():
        tallies_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("glans_measurement", "0006_merge_0004_appreciation_week_0005_delete_reminderlog"),
        ("glans_organisations", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="RatingTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rated", models.PositiveIntegerField(default=0)),
                ("positive", models.PositiveIntegerField(default=0)),
                ("neutral", models.PositiveIntegerField(default=0)),
                ("negative", models.PositiveIntegerField(default=0)),
                ("dull_without_step", models.PositiveIntegerField(default=0)),
                ("impossible", models.PositiveIntegerField(default=0)),
                ("refreshed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="glans_organisations.group",
                    ),
                ),
                (
                    "moment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="glans_measurement.measurementmoment",
                    ),
                ),
            ],
            options={
                "verbose_name": "telling per groep en meetmoment",
                "verbose_name_plural": "tellingen per groep en meetmoment",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("moment", "group"), name="unique_tally_per_group"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
