from django.core.management.base import BaseCommand

from glans_learning.lti import services


class Command(BaseCommand):
    help = "Delete the nonces of LTI launches older than a day (replays are refused before then)."

    def handle(self, *args, **options):
        deleted = services.nonces_forget()
        self.stdout.write(f"{deleted} nonces deleted")
