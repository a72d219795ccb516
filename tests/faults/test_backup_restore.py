"""A backup of the demo (manage.py glans_backup) restored into a fresh PostgreSQL database
serves the site with the same data: certificates still verify on their verification page and
the OB3 credentials still validate with the signing keys the restored site publishes."""

import io
import json
import subprocess
import urllib.request
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from glans_learning.core.management.commands.glans_backup import pg_env_and_args, pg_tool
from glans_learning.credentials import signing
from glans_learning.credentials.models import Certificate
from tests.faults.harness import WebServer

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def dsn(name):
    d = connection.settings_dict
    return f"postgresql://{d['USER']}@{d['HOST']}:{d['PORT']}/{name}"


@pytest.fixture
def fresh_database():
    name = f"glans_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
        return response.status, response.read().decode()


def table_counts(database):
    tables = [
        "auth_user",
        "glans_organisations_membership",
        "glans_courses_enrollment",
        "glans_courses_lessonprogress",
        "glans_credentials_pointsentry",
        "glans_credentials_certificate",
        "glans_credentials_signingkey",
        "glans_measurement_rating",
        "wagtailcore_page",
    ]
    with psycopg.connect(dsn(database)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


def test_a_restored_demo_serves_the_same_data_and_credentials_still_validate(
    settings, tmp_path, fresh_database
):
    settings.GLANS_ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=io.StringIO())
    certificates = list(Certificate.objects.all())
    assert certificates, "the demo has certificates to check"

    out = io.StringIO()
    call_command("glans_backup", "--output", str(tmp_path / "backups"), "--no-media", stdout=out)
    backup = tmp_path / "backups" / out.getvalue().strip().rsplit("/", 1)[-1]
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"]["glans_credentials.Certificate"] == len(certificates)

    # The documented restore (docs/operations.md): pg_restore into an empty database.
    env, args = pg_env_and_args(connection.settings_dict)
    subprocess.run(
        [pg_tool("pg_restore"), "--no-owner", "--no-privileges", *args]
        + ["-d", fresh_database, str(backup / "database.dump")],
        env=env,
        check=True,
        capture_output=True,
    )
    assert table_counts(fresh_database) == table_counts(connection.settings_dict["NAME"])

    server = WebServer(db_url=dsn(fresh_database), log=tmp_path / "web.log").start()
    try:
        status, body = get(server.url + "/")
        assert status == 200
        status, published = get(server.url + reverse("glans_credentials:jwks"))
        jwks = json.loads(published)
        for certificate in certificates:
            status, page = get(
                server.url + reverse("glans_credentials:verify", args=[certificate.code])
            )
            assert status == 200
            assert 'data-status="valid"' in page
            # The credential as the restored site hands it out, checked with its published keys.
            status, token = get(
                server.url
                + reverse("glans_credentials:credential", args=[certificate.code])
                + "?format=jwt"
            )
            assert status == 200
            assert token.strip() == certificate.credential_jwt
            payload = signing.verify(token.strip(), jwks)
            assert certificate.code in json.dumps(payload)
    finally:
        server.stop()
