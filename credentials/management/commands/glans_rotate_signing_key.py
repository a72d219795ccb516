from django.core.management.base import BaseCommand

from glans_learning.credentials import signing


class Command(BaseCommand):
    help = (
        "Make a new credential signing key; older keys stop signing but stay published in "
        "the JWKS, so credentials signed with them keep verifying."
    )

    def handle(self, *args, **options):
        key = signing.key_rotate()
        self.stdout.write(f"New signing key: {key.kid}")
