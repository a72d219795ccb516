"""System checks for the exercises (XBlocks) of a host site (docs/install.md)."""

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import HashedFilesMixin
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .xblocks import load_class, xblock_installed

FINDER = "glans_learning.content.xblocks.finders.XBlockResourceFinder"
STORAGE_MIXIN = "glans_learning.content.xblocks.storage.XBlockResourcesAsTheyAre"


@register()
def check_xblocks_installed(app_configs=None, **kwargs):
    """W001: the `xblock` library (extra glans-learning[xblocks]) is missing, so no exercise
    runs; W002: it is there but XBlockResourceFinder is not a staticfiles finder, so the blocks'
    JavaScript and CSS are not served (the poll then fails with "Handlebars is not defined")."""

    if not xblock_installed():
        return [
            Warning(
                _(
                    "GLANS: de interactieve oefeningen (XBlocks) werken op deze site niet: de "
                    "extra glans-learning[xblocks] is niet geïnstalleerd. Lessen tonen dan "
                    "'niet beschikbaar' en deze oefeningen tellen niet mee voor afronding."
                ),
                hint=_('Installeer "glans-learning[xblocks]" (docs/install.md).'),
                id="glans_content.W001",
            )
        ]
    if FINDER not in getattr(settings, "STATICFILES_FINDERS", []):
        return [
            Warning(
                _(
                    "GLANS: XBlockResourceFinder ontbreekt in STATICFILES_FINDERS; de JavaScript "
                    "en CSS van de oefeningen worden dan niet geserveerd."
                ),
                hint=_('Voeg "%(finder)s" toe aan STATICFILES_FINDERS.') % {"finder": FINDER},
                id="glans_content.W002",
            )
        ]
    return []


@register()
def check_static_storage(app_configs=None, **kwargs):
    """W003: a hashing static files storage (ManifestStaticFilesStorage and kin) without the
    mixin that leaves community XBlock resources as they are: collectstatic stops at the first
    file a block's CSS names but does not ship."""

    if not xblock_installed():
        return []
    try:
        storage_class = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    except (KeyError, ImportError):
        return []
    mixin = import_string(STORAGE_MIXIN)
    if issubclass(storage_class, HashedFilesMixin) and not issubclass(storage_class, mixin):
        return [
            Warning(
                _(
                    "GLANS: de opslag voor statische bestanden hasht alle bestanden, ook die van "
                    "community-XBlocks; collectstatic stopt dan bij een bestand dat een blok "
                    "noemt maar niet meelevert."
                ),
                hint=_(
                    'Gebruik "glans_learning.content.xblocks.storage.ManifestStaticFilesStorage", '
                    'of zet "%(mixin)s" vooraan in de basisklassen van je eigen opslag.'
                )
                % {"mixin": STORAGE_MIXIN},
                id="glans_content.W003",
            )
        ]
    return []


@register(Tags.database)
def check_lessons_use_available_exercises(app_configs=None, databases=None, **kwargs):
    """W004 (database check: `check --database default`, and `migrate`): published lessons
    use exercise types this site cannot run."""

    if not databases:
        return []
    try:
        missing = unavailable_exercise_types()
    except DatabaseError:  # not migrated yet
        return []
    if not missing:
        return []
    return [
        Warning(
            _(
                "GLANS: %(lessons)s gepubliceerde lessen gebruiken oefeningen die deze site niet "
                "kan tonen (%(types)s); ze tellen niet mee voor afronding."
            )
            % {
                "lessons": len({p for ps in missing.values() for p in ps}),
                "types": ", ".join(sorted(missing)),
            },
            hint=_(
                'Installeer "glans-learning[xblocks]" of het pakket van het blok en sta het type '
                "toe met GLANS_XBLOCK_EXTRA_TYPES."
            ),
            id="glans_content.W004",
        )
    ]


def unavailable_exercise_types() -> dict[str, set[int]]:
    """{exercise type: ids of live lessons using it} for types this site cannot run."""

    lesson_page = apps.get_model("glans_courses", "LessonPage")  # the layer above: by name

    missing: dict[str, set[int]] = {}
    for pk, summary in lesson_page.objects.live().values_list("pk", "activity_summary"):
        for activity in summary or []:
            block_type = activity.get("xblock_type")
            if activity.get("kind") == "exercise" and block_type and load_class(block_type) is None:
                missing.setdefault(block_type, set()).add(pk)
    return missing
