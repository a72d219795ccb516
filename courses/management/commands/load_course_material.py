from django.core.management.base import BaseCommand, CommandError

from glans_learning.content.checks import unavailable_exercise_types
from glans_learning.content.material import MaterialError, load_material
from glans_learning.content.xblocks import xblock_installed
from glans_learning.courses.material_loader import load


class Command(BaseCommand):
    help = (
        "Load the GLANS course material (content/material) into the Wagtail page tree (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", help="Material folder (default: the one shipped with the package)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also overwrite pages that editors changed in the admin since the last load.",
        )

    def handle(self, *args, **options):
        try:
            material = load_material(options.get("path"))
        except MaterialError as exc:
            raise CommandError(f"Course material is invalid; nothing was loaded. {exc}") from exc
        report = load(material, force=options["force"])
        for source in report.left_alone:
            self.stdout.write(f"left alone: {source}")
        self.stdout.write(self.style.SUCCESS(f"Course material loaded: {report.summary()}."))

        missing = unavailable_exercise_types()
        if missing:
            lessons = len({pk for pks in missing.values() for pk in pks})
            why = (
                "the xblocks extra is not installed: pip install 'glans-learning[xblocks]'"
                if not xblock_installed()
                else "install the block's package and allow it with GLANS_XBLOCK_EXTRA_TYPES"
            )
            self.stderr.write(
                self.style.WARNING(
                    f"{lessons} published lessons use exercises this site cannot run "
                    f"({', '.join(sorted(missing))}): {why}. Learners see 'not available' and "
                    "these exercises do not count for completion."
                )
            )
