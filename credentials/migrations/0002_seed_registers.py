"""Seed two registers as data: the Schoolleidersregister PO (points, required for primary
school directors) and a voluntary teacher portfolio (hours). Values are editable data."""

from django.db import migrations

THEMES_PO = "\n".join(
    [
        "Visie op onderwijs",
        "Leiding geven aan het verbeteren van het onderwijs",
        "Leiding geven aan de lerende organisatie",
        "Leiding geven aan de ontwikkeling van personeel",
        "Leiding geven aan de organisatie",
        "Verbinding met de omgeving",
        "Persoonlijk leiderschap",
    ]
)

REGISTERS = [
    {
        "name": "Schoolleidersregister PO",
        "unit": "points",
        "cycle_years": 4,
        "required_per_cycle": 100,
        "themes": THEMES_PO,
        "notes": "Herregistratie: bronnen verschillen (100 punten per cyclus, of scholing in "
        "minstens 3 van 7 thema's; cyclus 4 of 5 jaar). Pas aan naar de geldende regeling.",
    },
    {
        "name": "Lerarenportfolio (registeruren)",
        "unit": "hours",
        "cycle_years": 4,
        "required_per_cycle": None,
        "themes": "",
        "notes": "Vrijwillig portfolio van registeruren (1 uur = 1 registeruur).",
    },
]


def seed(apps, schema_editor):
    Register = apps.get_model("glans_courses", "Register")
    for data in REGISTERS:
        Register.objects.get_or_create(name=data["name"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [("glans_credentials", "0001_accreditations_ledger_certificates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
