"""Back up what a GLANS site cannot lose (docs/operations.md): the database — which also holds
the credential signing keys, the certificates and their PDFs — and the media folder, with a
manifest to check a restore against.

    manage.py glans_backup --output /srv/backups

PostgreSQL is dumped with pg_dump (custom format: restore with pg_restore); SQLite is copied
with its online backup API. The secrets in the environment (SECRET_KEY, GLANS_PSEUDONYM_KEY)
are not in the backup: keep them in the password manager; the family pseudonyms of the
oudervolgsysteem cannot be recomputed without them.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils import timezone

# What the manifest counts, to compare after a restore (models of apps that are installed).
COUNTED = [
    ("auth", "User"),
    ("glans_organisations", "Membership"),
    ("glans_courses", "Enrollment"),
    ("glans_courses", "LessonProgress"),
    ("glans_credentials", "PointsEntry"),
    ("glans_credentials", "Certificate"),
    ("glans_credentials", "SigningKey"),
    ("glans_credentials", "LearningRecord"),
    ("glans_measurement", "Rating"),
    ("glans_core", "OutboxMessage"),
]


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore: GLANS_PG_BIN, the PATH, or the newest Debian server's bin/."""
    folder = os.environ.get("GLANS_PG_BIN")
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    if candidates:
        return str(candidates[0])
    raise CommandError(f"{name} not found: install the PostgreSQL client or set GLANS_PG_BIN.")


def pg_env_and_args(db: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def counts() -> dict:
    found = {}
    for label, name in COUNTED:
        try:
            model = apps.get_model(label, name)
            found[f"{label}.{name}"] = model._default_manager.count()
        except (LookupError, DatabaseError):  # not installed, or not migrated
            continue
    return found


class Command(BaseCommand):
    help = "Back up the database (with the signing keys) and the media folder (docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Folder to write the backup into.")
        parser.add_argument("--no-media", action="store_true", help="Skip the media folder.")

    def handle(self, *args, output, no_media, **options):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        target = Path(output) / f"glans-{stamp}"
        target.mkdir(parents=True, exist_ok=False)
        connection = connections["default"]
        db = connection.settings_dict
        manifest = {"created": timezone.now().isoformat(), "vendor": connection.vendor}
        if connection.vendor == "postgresql":
            env, args = pg_env_and_args(db)
            dump = target / "database.dump"
            command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
            result = subprocess.run(  # noqa: S603 (our own settings, no shell)
                [*command, *args, "-f", str(dump), db["NAME"]],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
            manifest["database"] = dump.name
        elif connection.vendor == "sqlite":
            copy = target / "db.sqlite3"
            source = sqlite3.connect(db["NAME"])
            destination = sqlite3.connect(copy)
            with destination:
                source.backup(destination)
            source.close()
            destination.close()
            manifest["database"] = copy.name
        else:
            raise CommandError(f"No backup procedure for {connection.vendor}.")
        if no_media:
            manifest["media"] = "skipped"
        elif isinstance(default_storage, FileSystemStorage):
            if Path(settings.MEDIA_ROOT).is_dir():
                with tarfile.open(target / "media.tar.gz", "w:gz") as archive:
                    archive.add(settings.MEDIA_ROOT, arcname="media")
                manifest["media"] = "media.tar.gz"
            else:
                manifest["media"] = "no media folder yet"
        else:
            manifest["media"] = (
                f"not a local folder ({default_storage.__class__.__name__}): back up the "
                "bucket with the storage provider's own versioning or replication"
            )
        manifest["counts"] = counts()
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        self.stdout.write(str(target))
