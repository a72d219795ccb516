"""xAPI statements reach a real Ralph LRS (openfun/ralph, started here on a loopback port
from its own virtualenv: `make .venv-ralph`), after the LRS was down for a while, and
nothing reaches it twice."""

import base64
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from glans_learning.courses.models import ProgrammeCompletion
from glans_learning.credentials import tasks
from glans_learning.credentials.models import LearningRecord
from glans_learning.credentials.xapi import LRSUnavailable
from tests.builders import build_programme

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
RALPH_BIN = Path(os.environ.get("GLANS_RALPH_VENV", ROOT / ".venv-ralph")) / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ralph:
    def __init__(self, workdir: Path, port: int):
        self.workdir, self.port, self.process = workdir, port, None
        self.env = os.environ | {
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_AUTH_FILE": str(workdir / "auth.json"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(workdir / "data"),
        }
        subprocess.run(
            [str(RALPH_BIN / "ralph"), "auth", "-u", "lms", "-p", "secret", "-s", "all"]
            + ["-M", "mailto:lms@example.org", "-N", "LMS", "-w"],
            cwd=workdir,
            env=self.env,
            check=True,
            capture_output=True,
        )

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [str(RALPH_BIN / "python"), str(Path(__file__).with_name("ralph_launcher.py"))]
            + [str(self.port)],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{self.url}/__heartbeat__", timeout=1):  # noqa: S310 (loopback)
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Ralph did not start")

    def stop(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
            self.process = None

    def get(self, query: str) -> dict:
        request = urllib.request.Request(f"{self.url}/xAPI/statements?{query}")  # noqa: S310
        auth = base64.b64encode(b"lms:secret").decode()
        request.add_header("Authorization", f"Basic {auth}")
        request.add_header("X-Experience-API-Version", "1.0.3")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())


@pytest.fixture
def ralph(tmp_path, settings):
    if not (RALPH_BIN / "ralph").exists():
        pytest.skip("Ralph LRS not installed: make .venv-ralph")
    (tmp_path / "data").mkdir()
    server = Ralph(tmp_path, _free_port())
    settings.GLANS_LRS_ENDPOINT = f"{server.url}/xAPI"
    settings.GLANS_LRS_KEY, settings.GLANS_LRS_SECRET = "lms", "secret"
    yield server
    server.stop()


def test_statements_reach_ralph_once_after_it_was_down(
    ralph, director, tmp_path, django_capture_on_commit_callbacks
):
    programme = build_programme(tmp_path / "m", slug="lrs", modules=1, lessons_per_module=1)
    # The LRS is down: the completion is recorded, its statements wait in our log.
    with django_capture_on_commit_callbacks(execute=True):
        ProgrammeCompletion.objects.create(
            user=director, programme=programme, completed_at=timezone.now()
        )
    records = list(LearningRecord.objects.all())
    assert len(records) == 2 and all(r.forwarded_at is None for r in records)
    with pytest.raises(LRSUnavailable):
        tasks.forward_statements.run()
    assert not LearningRecord.objects.filter(forwarded_at__isnull=False).exists()
    # Up again: the retry delivers them; later runs and a full resend store nothing twice.
    ralph.start()
    assert tasks.forward_statements.run() == 2
    assert tasks.forward_statements.run() == 0
    LearningRecord.objects.update(forwarded_at=None)
    assert tasks.forward_statements.run() == 2  # accepted as already stored (204)
    for record in records:
        (stored,) = ralph.get(f"statementId={record.id}")["statements"]
        assert stored["verb"] == json.loads(record.statement)["verb"]
    agent = json.dumps(json.loads(records[0].statement)["actor"])
    everything = ralph.get("agent=" + urllib.request.quote(agent) + "&limit=100")
    ids = [s["id"] for s in everything["statements"]]
    assert sorted(ids) == sorted(str(r.id) for r in records)


def test_ralph_accepts_launched_experienced_and_answered(ralph, director):
    from glans_learning.credentials import services, xapi

    now = timezone.now()
    shapes = [
        ("launched", "programme", 7, None),
        ("experienced", "lesson", 8, None),
        ("answered", "question", "8-abc", {"success": True, "completion": True}),
        (
            "answered",
            "exercise",
            "les-8.block/2",
            {
                "score": {"raw": 3.0, "min": 0, "max": 4.0, "scaled": 0.75},
                "success": False,
                "completion": True,
            },
        ),
    ]
    for i, (verb, kind, object_id, result) in enumerate(shapes):
        services.record_statement(
            user=director,
            verb=verb,
            event_key=f"shape:{i}",
            statement=xapi.statement(
                user=director,
                verb=verb,
                kind=kind,
                object_id=object_id,
                name="Les",
                when=now,
                result=result,
            ),
        )
    ralph.start()
    assert tasks.forward_statements.run() == len(shapes)
    for record in LearningRecord.objects.all():
        (stored,) = ralph.get(f"statementId={record.id}")["statements"]
        assert stored["verb"]["id"] == xapi.VERBS[record.verb]
