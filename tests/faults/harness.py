"""Real services the fault tests and `make soak` start, stop and kill: a throwaway Redis on a
free loopback port and a Celery worker against the test database. Loopback only."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what="condition"):
    """Poll `predicate` until it is true; `what` (a text, or a callable giving one at the
    timeout) says what was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout:.0f}s waiting for {what() if callable(what) else what}"
    )


def database_url(connection) -> str:
    d = connection.settings_dict
    return f"postgres://{d['USER']}@{d['HOST']}:{d['PORT']}/{d['NAME']}"


class RedisServer:
    """redis-server on 127.0.0.1:<free port>, no persistence; stop() and start() again keep
    the port (a restart). Its data is lost on a stop, like a restart without persistence."""

    def __init__(self, workdir: Path, *, persistent: bool = False):
        self.persistent = persistent  # append-only file: queued messages survive a restart
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server not found (scripts/ensure-system-packages.sh)")
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "yes" if self.persistent else "no", "--dir", str(self.workdir)]
            + (["--appendfsync", "always"] if self.persistent else []),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, what="redis to start")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def celery_env(*, db_url: str, broker_url: str, mail_dir: Path) -> dict:
    """The environment of a worker and beat: the production settings with time compressed."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "glans_site.settings.test",
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker_url,
        # A lost task comes back in seconds (production: an hour, swept every ~100 s).
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        # Beat drains the outbox every 2 s (production: every minute).
        "GLANS_OUTBOX_DRAIN_SECONDS": "2",
        "GLANS_TEST_MAIL_DIR": str(mail_dir),
    }


class CeleryProcess:
    """A `celery` command with the project's settings (`celery_env`), its output in `log`."""

    command: list[str] = []
    ready_text = ""
    what = ""

    def __init__(self, *, db_url: str, broker_url: str, mail_dir: Path, log: Path):
        self.env = celery_env(db_url=db_url, broker_url=broker_url, mail_dir=mail_dir)
        self.log = log
        self.process = None

    def arguments(self) -> list[str]:
        return self.command

    def start(self):
        self.log.write_text("")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "glans_site", *self.arguments()],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: self.ready_text in self.log.read_text(), timeout=60, what=self.what)
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


class Worker(CeleryProcess):
    """A Celery worker (solo pool: one task at a time, acks late) with the project's settings,
    writing its mail to files in `mail_dir`. kill() is a SIGKILL: no cleanup, no ack."""

    command = ["worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    ready_text = "ready."
    what = "the worker"

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


class Beat(CeleryProcess):
    """`celery beat` as its own process, as in production (README: one beat next to the
    workers): it survives a worker's SIGKILL and sends the schedule, among it the outbox drain,
    to the broker. Its schedule file lives in `workdir`. (A worker's embedded beat, `-B`, is a
    child process that a SIGKILL of the worker would orphan.)"""

    ready_text = "beat: Starting"
    what = "beat"

    def __init__(self, *, db_url: str, broker_url: str, mail_dir: Path, workdir: Path):
        super().__init__(
            db_url=db_url, broker_url=broker_url, mail_dir=mail_dir, log=workdir / "beat.log"
        )
        self.schedule = workdir / "celerybeat-schedule"

    def arguments(self) -> list[str]:
        return ["beat", "--loglevel=INFO", "--schedule", str(self.schedule), "--pidfile="]


def mails_in(mail_dir: Path) -> list[str]:
    """Messages the file backend wrote (one file per connection, messages separated)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        text = path.read_text(errors="replace")
        messages += [m for m in text.split("-" * 79) if "Subject:" in m]
    return messages


def restart_postgres() -> bool:
    """Restart the with-services PostgreSQL cluster (fast shutdown: every connection is cut,
    new ones are refused until it is back). False when this run did not start the cluster."""
    pg_ctl, data = os.environ.get("GLANS_TEST_PG_CTL"), os.environ.get("GLANS_TEST_PG_DATA")
    if not (pg_ctl and data):
        return False
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*as_owner, pg_ctl, "-D", data, "-m", "fast", "-w", "-t", "60", "restart"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return True


class WebServer:
    """The site under `manage.py runserver` (threaded, no reloader) on a free loopback port."""

    def __init__(self, *, db_url: str, log: Path, extra_env: dict | None = None):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "glans_site.settings.test",
            "DATABASE_URL": db_url,
            # runserver answers each request in a new thread: a persistent connection would
            # stay open after its thread ended, until PostgreSQL runs out of connections.
            "DATABASE_CONN_MAX_AGE": "0",
            **(extra_env or {}),
        }
        self.log = log
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )

        def up():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_for(up, timeout=60, what="the web server")
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class MotoServer:
    """An S3-compatible server (moto in server mode) on 127.0.0.1:<free port>, in memory;
    stop() takes the object storage away (its objects with it)."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.log = log
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"},
        )
        wait_for(lambda: _connects(self.port), timeout=60, what="the S3-compatible server")
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


def _connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class TcpProxy:
    """A loopback TCP relay to `target_port` in threads of this process: one node's own way to
    a shared service, so the test can take that service away from that node alone (cut())."""

    def __init__(self, target_port: int):
        import threading

        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading

        while self.open:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self):
        """Refuse new connections and break the open ones."""
        self.open = False
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass


class Gunicorn:
    """A web node: gunicorn (sync workers) in its own working directory on its own port."""

    def __init__(self, *, env: dict, workdir: Path, workers: int = 2):
        self.port = free_port()
        self.env = env
        self.workdir = workdir
        self.workers = workers
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "glans_site.wsgi:application"]
            + ["--pythonpath", str(ROOT), "--chdir", str(self.workdir)]
            + [f"--workers={self.workers}", f"--bind=127.0.0.1:{self.port}", "--timeout=120"],
            cwd=self.workdir,
            env=self.env,
            stdout=(self.workdir / "gunicorn.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: _connects(self.port), timeout=90, what="gunicorn")
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
