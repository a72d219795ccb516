"""A platform admin resets somebody's second factor (lost phone and backup codes). The reset
is logged (who, whom) and the owner is told by e-mail."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from glans_learning.core.services import two_factor_reset
from glans_learning.organisations.permissions import is_platform_admin


class Command(BaseCommand):
    help = "Remove a person's second factor: logged, and the owner is e-mailed."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The person whose second factor goes.")
        parser.add_argument("--by", required=True, help="Username of the platform admin.")

    def handle(self, *args, username, by, **options):
        User = get_user_model()
        admin = User.objects.filter(username=by, is_active=True).first()
        if admin is None or not is_platform_admin(admin):
            raise CommandError("--by must name an active platform admin.")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("No such person.")
        two_factor_reset(by=admin, user=user)
        self.stdout.write("reset; the owner has been e-mailed.")
