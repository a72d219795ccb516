from django.db import migrations


def load(apps, schema_editor):
    from glans_learning.certification.criteria import load_first_set

    load_first_set(
        apps.get_model("glans_certification", "CriterionSet"),
        apps.get_model("glans_certification", "Criterion"),
    )


class Migration(migrations.Migration):
    dependencies = [("glans_certification", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
