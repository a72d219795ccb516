from django.db import migrations

ROLES = [
    (
        "learner",
        "Lerende",
        "Leerkracht, pedagogisch medewerker of mentor die de leerprogramma's volgt.",
        False,
    ),
    (
        "tdt_participant",
        "Train-de-Trainer-deelnemer",
        "Volgt Train-de-Trainer en traint daarna het eigen team.",
        False,
    ),
    (
        "director",
        "Directeur",
        "Stuurt de invoering in de eigen eenheid aan en beheert het team.",
        False,
    ),
    (
        "ib",
        "Intern begeleider (IB'er)",
        "Zoekt andere routes om kinderen te steunen als samenwerking met ouders niet lukt.",
        False,
    ),
    (
        "school_expertgroep",
        "Lid Expertgroep school",
        "Lid van de Expertgroep Ouderbetrokkenheid van de eigen school.",
        False,
    ),
    (
        "board_expertgroep",
        "Lid bovenschoolse Expertgroep",
        "Vertegenwoordigt de school in de Expertgroep van het bestuur.",
        False,
    ),
    ("academy_trainer", "Trainer academie", "Begeleidt TdT-bijeenkomsten voor alle scholen.", True),
    ("academy_auditor", "Auditor academie", "Voert de certificering 'School met Glans' uit.", True),
    ("platform_admin", "Platformbeheerder", "Beheert het platform.", True),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("glans_organisations", "Role")
    for code, name, description, academy in ROLES:
        Role.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "is_academy_role": academy},
        )


class Migration(migrations.Migration):
    dependencies = [("glans_organisations", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
