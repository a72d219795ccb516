from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from glans_learning.organisations.models import UnitType
from glans_learning.organisations.services import organisation_first_run


class Command(BaseCommand):
    help = (
        "First run of the GLANS plugin in a site: create the current school year, a board and a "
        "unit, and make an existing user the unit's director (optionally: add learners). "
        "Idempotent; asks nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--director", required=True, help="Username of an existing user: the director."
        )
        parser.add_argument("--board", default="Mijn bestuur", help="Name of the board.")
        parser.add_argument("--unit", default="Mijn school", help="Name of the unit (school).")
        parser.add_argument(
            "--unit-type", default=UnitType.PO, choices=UnitType.values, help="Kind of unit."
        )
        parser.add_argument(
            "--member",
            action="append",
            default=[],
            metavar="USERNAME",
            help="Username of an existing user to add as a learner (repeatable).",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        usernames = [options["director"], *options["member"]]
        lookup = {f"{User.USERNAME_FIELD}__in": usernames}
        users = {u.get_username(): u for u in User.objects.filter(**lookup)}
        missing = [name for name in usernames if name not in users]
        if missing:
            raise CommandError(f"No such user(s): {', '.join(missing)}. Nothing was changed.")
        result = organisation_first_run(
            director=users[options["director"]],
            board_name=options["board"],
            unit_name=options["unit"],
            unit_type=options["unit_type"],
            members=[users[name] for name in options["member"]],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"School year {result.school_year}, board {result.board.name!r}, unit "
                f"{result.unit.name!r}; director {options['director']}, "
                f"{len(options['member'])} learner(s). "
                f"Created: {', '.join(result.created) or 'nothing new'}."
            )
        )
