"""Two web nodes (issue #27): two gunicorn instances in their own working directories and on
their own ports, one Celery worker and one beat, sharing PostgreSQL, Redis (cache and broker)
and an S3-compatible object store (moto in server mode), all on loopback, all with the
production settings (tests/integration/two_nodes_settings.py says what plain HTTP changes).

One client alternates between the nodes: what one node (or the worker) did, the other sees.
Node B reaches the database and the object store through relays of its own, so the test can
take them away from B alone and watch /health/ready on B turn unready while A stays ready."""

import datetime
import io
import time
from urllib.parse import urlparse

import pytest
import requests
from django.db import connection
from django.utils import timezone

from glans_learning.certification import services as certification_services
from glans_learning.certification.models import Certificate
from glans_learning.core.tasks import outbox_add
from tests.builders import build_programme
from tests.certification.conftest import current_year, write_and_publish
from tests.certification.test_services import walk_to_decision
from tests.faults.harness import (
    ROOT,
    Beat,
    Gunicorn,
    MotoServer,
    RedisServer,
    TcpProxy,
    Worker,
    database_url,
    wait_for,
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "twee-knooppunten-wachtwoord"  # noqa: S105 - a throwaway account
BUCKET = "glans-two-nodes"
SECRET = "two-nodes-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"  # noqa: S105


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def object_store(tmp_path):
    import boto3

    server = MotoServer(tmp_path / "moto.log").start()
    boto3.client(
        "s3",
        endpoint_url=server.url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    yield server
    server.stop()


def node_env(*, db_url, redis, s3_url, mail_dir) -> dict:
    import os

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.two_nodes_settings",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": db_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_CACHE_URL": redis.url.rsplit("/", 1)[0] + "/1",
        "CELERY_BROKER_URL": redis.url,
        "CELERY_REDBEAT_KEY_PREFIX": "glans-two-nodes:",
        "CELERY_REDBEAT_LOCK_TIMEOUT": "6",
        "CELERY_BEAT_MAX_LOOP_INTERVAL": "1",
        "GLANS_OUTBOX_DRAIN_SECONDS": "1",
        "GLANS_S3_BUCKET": BUCKET,
        "GLANS_S3_ENDPOINT_URL": s3_url,
        "GLANS_S3_REGION": "us-east-1",
        "GLANS_S3_ACCESS_KEY_ID": "test",
        "GLANS_S3_SECRET_ACCESS_KEY": "test",
        "GLANS_S3_ADDRESSING_STYLE": "path",
        "GLANS_LOGIN_FAILURE_LIMIT": "3",
        "GLANS_TEST_MAIL_DIR": str(mail_dir),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


class Browser:
    """One person's cookies (sessions live in the shared database), sent to either node."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, node, path, **kwargs):
        return self.session.get(node.url + path, allow_redirects=False, timeout=180, **kwargs)

    def post(self, node, path, data=None, files=None):
        if "csrftoken" not in self.session.cookies:
            self.get(node, "/accounts/login/")
        data = {**(data or {}), "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        return self.session.post(
            node.url + path, data=data, files=files, allow_redirects=False, timeout=180
        )

    def login(self, node, username, password=PASSWORD):
        return self.post(node, "/accounts/login/", {"username": username, "password": password})


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def cluster(tmp_path, redis, object_store):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    shared_db = database_url(connection)
    db_port = int(connection.settings_dict["PORT"])
    b_db, b_s3 = TcpProxy(db_port), TcpProxy(object_store.port)
    b_db_url = shared_db.replace(f":{db_port}/", f":{b_db.port}/")
    env_a = node_env(db_url=shared_db, redis=redis, s3_url=object_store.url, mail_dir=mail_dir)
    env_b = node_env(
        db_url=b_db_url, redis=redis, s3_url=f"http://127.0.0.1:{b_s3.port}", mail_dir=mail_dir
    )
    # Each node (and the worker) its own var/ folder: nothing on one disk reaches another.
    env_a["GLANS_VAR_DIR"] = str(tmp_path / "node-a" / "var")
    env_b["GLANS_VAR_DIR"] = str(tmp_path / "node-b" / "var")
    processes = []

    def celery(cls, **kwargs):
        process = cls(db_url=shared_db, broker_url=redis.url, mail_dir=mail_dir, **kwargs)
        process.env.update({**env_a, "GLANS_VAR_DIR": str(tmp_path / "worker-var")})
        processes.append(process)
        return process.start()

    try:
        worker = celery(Worker, log=tmp_path / "worker.log")
        beat = celery(Beat, workdir=tmp_path)
        a = Gunicorn(env=env_a, workdir=tmp_path / "node-a", workers=1)
        b = Gunicorn(env=env_b, workdir=tmp_path / "node-b", workers=1)
        processes += [a, b]
        a.start(), b.start()
        yield {"a": a, "b": b, "worker": worker, "beat": beat, "b_db": b_db, "b_s3": b_s3}
    finally:
        for process in reversed(processes):
            process.stop()
        b_db.cut(), b_s3.cut()


def big_list(rows: int) -> bytes:
    lines = ["groep;leerlingnummer;aanduiding"]
    lines += [f"Groep {1 + i % 8};N{i:06d};" for i in range(rows)]
    return "\n".join(lines).encode()


def test_two_nodes_share_files_progress_lockouts_and_pages(
    cluster, zonnebloem, director, auditor, admin_user, teacher, monkeypatch, tmp_path
):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.models import Page

    from glans_learning.courses.models import LessonPage, ModulePage, ProgrammeIndexPage

    a, b = cluster["a"], cluster["b"]
    for user in (director, admin_user, teacher):
        with_password(user)
    year = current_year()
    handbook = write_and_publish(
        certification_services.handbook_start(unit=zonnebloem, school_year=year, user=director),
        director,
    )
    criterion = handbook.criterion_set.criteria.first()

    # Both nodes are ready; the probe needs no login, no https and no known Host.
    # (The first request of a fresh node loads much; the CPU is shared: a generous timeout.)
    for node in (a, b):
        probe = requests.get(node.url + "/health/ready", headers={"Host": "10.1.2.3"}, timeout=180)
        assert probe.status_code == 200, probe.text
        assert probe.json()["checks"]["storage"]["status"] == "ok"

    # 1. A handbook attachment uploaded on A downloads on B (object storage, not A's disk).
    person = Browser()
    assert person.login(a, director.username).status_code == 302
    workspace = f"/certificering/handboek/{handbook.pk}/werkruimte/"
    content = b"%PDF-1.4 plan van aanpak " + bytes(range(256)) * 40
    response = person.post(
        a,
        workspace,
        {"action": "attach", "criterion": criterion.pk, "title": "Plan"},
        files={"file": ("plan.pdf", content, "application/pdf")},
    )
    assert response.status_code == 302, response.text[:500]
    attachment = handbook.attachments.get()
    downloaded = person.get(b, f"/certificering/bijlage/{attachment.pk}/")
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert not any((a.workdir).rglob("*.pdf")) and not any((b.workdir).rglob("*.pdf"))
    # Private: the object itself is not readable without the store's keys.
    store = a.env["GLANS_S3_ENDPOINT_URL"]
    raw = requests.get(f"{store}/{BUCKET}/{attachment.file.name}", timeout=30)
    assert raw.status_code == 403
    assert Browser().get(b, f"/certificering/bijlage/{attachment.pk}/").status_code == 302

    # 2. A certificate PDF made by the worker downloads on both nodes.
    monkeypatch.setattr(
        "glans_learning.certification.services.enqueue",
        lambda task, *args, **kwargs: outbox_add(
            task_name=task.name, args=list(args), kwargs=kwargs
        ),
    )
    application = certification_services.application_submit(
        unit=zonnebloem, user=director, school_year=year
    )
    walk_to_decision(application, auditor)
    certification_services.application_decide(
        application=application,
        user=auditor,
        certified=True,
        valid_until=timezone.localdate() + datetime.timedelta(days=3 * 365),
    )
    certificate = Certificate.objects.get(application=application)
    wait_for(
        lambda: Certificate.objects.filter(pk=certificate.pk, pdf__isnull=False).exists(),
        timeout=180,
        what="the worker to make the certificate's PDF",
    )
    made = bytes(Certificate.objects.get(pk=certificate.pk).pdf)
    for node in (a, b):
        pdf = person.get(node, f"/certificering/certificaat/{certificate.pk}/pdf/")
        assert pdf.status_code == 200 and pdf.content == made and made.startswith(b"%PDF")

    # 3. The import's progress, written by the worker into the shared cache, moves on B.
    response = person.post(
        a,
        f"/meten/school/{zonnebloem.pk}/import/",
        {"school_year": year.pk, "action": "import"},
        files={"file": ("lijst.csv", io.BytesIO(big_list(8000)), "text/csv")},
    )
    assert response.status_code == 302, response.text[:500]
    job_path = urlparse(response.headers["Location"]).path
    seen = []

    def finished():
        state = person.get(b, job_path + "status/").json()
        seen.append((state["status"], state["percent"]))
        return state["status"] in ("done", "failed")

    wait_for(finished, timeout=180, interval=0.05, what=lambda: f"the import (seen {seen[-5:]})")
    assert seen[-1] == ("done", 100)
    running = {percent for status, percent in seen if status not in ("done", "failed")}
    assert running - {0}, f"B never saw the running import's progress: {seen}"

    # 4. A lockout on A holds on B.
    stranger = Browser()
    for _ in range(3):
        stranger.login(a, teacher.username, "fout")
    assert stranger.login(a, teacher.username).status_code == 429
    assert Browser().login(b, teacher.username).status_code == 429

    # 5. A page published on A is served on B.
    home = Page.objects.get(depth=2)
    page = home.add_child(
        instance=ProgrammeIndexPage(title="Nieuw aanbod", slug="nieuw-aanbod", live=False)
    )
    page.save_revision(user=admin_user)
    editor = Browser()
    assert editor.login(a, admin_user.username).status_code == 302
    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert editor.post(a, "/accounts/tweestaps/", {"token": code}).status_code == 302
    assert editor.get(b, "/nieuw-aanbod/").status_code == 404
    bulk = f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}"
    assert editor.get(a, bulk).status_code == 200
    assert editor.post(a, bulk).status_code == 302
    served = editor.get(b, "/nieuw-aanbod/")
    assert served.status_code == 200 and "Nieuw aanbod" in served.text

    # 5b. A lesson renamed and published on A shows on B at once: each node keeps the course
    # tree's rows, but checks their version in the shared cache on every view (tree_cache).
    programme = build_programme(tmp_path / "boom", slug="boom", modules=1, lessons_per_module=3)
    module = ModulePage.objects.child_of(programme).get()
    lesson = LessonPage.objects.child_of(module).order_by("path").first()
    learner = Browser()
    assert learner.login(b, director.username).status_code == 302  # the teacher is locked out (4)
    for _ in range(2):  # the second view is served from B's copy
        shown = learner.get(b, module.url)
        assert shown.status_code == 200 and lesson.title in shown.text
    lesson.title = "Een les met een nieuwe naam"
    lesson.save_revision(user=admin_user)
    renamed = f"/admin/bulk/wagtailcore/page/publish/?id={lesson.pk}"
    assert editor.get(a, renamed).status_code == 200
    assert editor.post(a, renamed).status_code == 302
    shown = learner.get(b, module.url)
    assert shown.status_code == 200 and "Een les met een nieuwe naam" in shown.text

    # 6. B turns unready when its object store, then its database, is gone; A stays ready.
    cluster["b_s3"].cut()
    probe = requests.get(b.url + "/health/ready", timeout=180)
    assert probe.status_code == 503
    assert probe.json()["checks"]["storage"]["status"] == "error"
    assert probe.json()["checks"]["database"]["status"] == "ok"
    assert requests.get(a.url + "/health/ready", timeout=180).status_code == 200
    cluster["b_db"].cut()
    time.sleep(0.5)
    probe = requests.get(b.url + "/health/ready", timeout=180)
    assert probe.status_code == 503
    assert probe.json()["checks"]["database"]["status"] == "error"
    assert requests.get(b.url + "/health/live", timeout=180).status_code == 200
    assert requests.get(a.url + "/health/ready", timeout=180).status_code == 200
