from django.core.management.base import BaseCommand

from glans_learning.certification.criteria import load_first_set
from glans_learning.certification.models import Criterion, CriterionSet


class Command(BaseCommand):
    help = "Load the first set of certification criteria (idempotent)."

    def handle(self, *args, **options):
        criterion_set = load_first_set(CriterionSet, Criterion)
        self.stdout.write(f"{criterion_set}: {criterion_set.criteria.count()} criteria")
