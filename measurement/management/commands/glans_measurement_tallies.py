"""Recount (or check) the oudervolgsysteem's tallies (RatingTally) from the ratings: after a
restore, a bulk load that bypassed the services, or to verify them. Idempotent."""

from django.core.management.base import BaseCommand, CommandError

from glans_learning.measurement.selectors import tally_mismatches
from glans_learning.measurement.services import tallies_rebuild


class Command(BaseCommand):
    help = "Recount the oudervolgsysteem's tallies per group and moment from the ratings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit", type=int, action="append", dest="units", help="Only this unit (repeatable)."
        )
        parser.add_argument(
            "--check", action="store_true", help="Only compare with a recount; change nothing."
        )

    def handle(self, *args, units=None, check=False, **options):
        if check:
            wrong = tally_mismatches(unit_ids=units)
            for unit_id, moment_id, group_id in wrong[:50]:
                self.stdout.write(f"differs: unit {unit_id}, moment {moment_id}, group {group_id}")
            if wrong:
                raise CommandError(f"{len(wrong)} tallies differ from the ratings.")
            self.stdout.write("all tallies agree with the ratings.")
            return
        rows = tallies_rebuild(unit_ids=units)
        self.stdout.write(f"{rows} tallies recounted.")
