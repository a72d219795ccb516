"""Send the background work the outbox still holds (after a broker outage), oldest first."""

from django.core.management.base import BaseCommand

from glans_learning.core.tasks import outbox_backlog, outbox_drain


class Command(BaseCommand):
    help = "Send pending outbox rows to the Celery broker, oldest first (docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=10_000)
        parser.add_argument(
            "--status", action="store_true", help="Only report the backlog; send nothing."
        )

    def handle(self, *args, limit, status, **options):
        if not status:
            result = outbox_drain(limit=limit)
            self.stdout.write(
                "sent={sent} failed={failed} pending={pending} pruned={pruned}".format(**result)
            )
        backlog = outbox_backlog()
        self.stdout.write(
            "pending={pending} stale={stale} oldest_age_minutes={oldest_age_minutes}".format(
                **backlog
            )
        )
        if backlog["stale"] and not status:
            raise SystemExit(1)
