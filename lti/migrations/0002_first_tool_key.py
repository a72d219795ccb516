"""The tool's first signing key (its JWKS is what platforms register): generated at migrate
time when there is none, so a new site can be registered at once. Rotate with
`manage.py rotate_keys` (django-lti)."""

from django.db import migrations
from jwcrypto.jwk import JWK


def first_key(apps, schema_editor):
    Key = apps.get_model("lti_tool", "Key")
    if Key.objects.filter(is_active=True).exists():
        return
    key = JWK.generate(kty="RSA", size=2048)
    Key.objects.create(
        public_key=key.export_to_pem().decode(),
        private_key=key.export_to_pem(private_key=True, password=None).decode(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("glans_lti", "0001_initial"),
        ("lti_tool", "0001_initial"),
    ]

    operations = [migrations.RunPython(first_key, migrations.RunPython.noop)]
