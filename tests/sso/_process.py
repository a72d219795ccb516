"""Starting an identity provider as its own process: on a free loopback port, waiting for its
`ready <url>` line, and always stopped again (stop(), the context manager, garbage collection
or interpreter exit), with its whole process group."""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from pathlib import Path

STARTUP_TIMEOUT = 20.0


class IdpStartError(RuntimeError):
    """The identity provider did not come up; the message holds its log."""


def _kill_group(process: subprocess.Popen, workdir: str) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    shutil.rmtree(workdir, ignore_errors=True)


class IdpProcess:
    """A child process in its own session (so its group can be ended as a whole) whose stdout
    and stderr go to a log file in a private temporary directory."""

    def __init__(self, argv_for, *, name: str, env: dict | None = None, cwd=None):
        self.workdir = tempfile.mkdtemp(prefix=f"glans-{name}-")
        os.chmod(self.workdir, 0o700)
        self.log_path = Path(self.workdir) / "idp.log"
        argv = argv_for(Path(self.workdir))
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own server script)
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        # Runs on stop(), when the object is collected, or at interpreter exit, whichever first.
        self._finalizer = weakref.finalize(self, _kill_group, self.process, self.workdir)
        self.url = self._wait_ready()

    def _wait_ready(self) -> str:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            for line in self.log_path.read_text(errors="replace").splitlines():
                if line.startswith("ready "):
                    return line.split(" ", 1)[1].strip()
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        log = self.log()
        self.stop()
        raise IdpStartError(f"identity provider did not start:\n{log}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        self._finalizer()
