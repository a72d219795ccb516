"""Helpers for the tests that install the built wheel into a host site: one fresh virtualenv
per test session, with this package installed from a wheel (not from the source tree)."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What a host adds to INSTALLED_APPS (docs/install.md).
GLANS_APPS = [
    "glans_learning.core",
    "glans_learning.organisations",
    "glans_learning.content",
    "glans_learning.courses",
    "glans_learning.credentials",
    "glans_learning.measurement",
    "glans_learning.certification",
    "rules.apps.AutodiscoverRulesConfig",
    "wagtail.contrib.settings",
]


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)  # noqa: S603
    assert result.returncode == 0, (
        f"{cmd} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def clean_source(path: Path) -> Path:
    """A copy of the files git tracks (as they are in the working tree), like a fresh clone:
    no build/ left over from an earlier build, no untracked files."""
    source = path / "source"
    listed = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    return source


def build_wheel(path: Path) -> Path:
    """The plugin's wheel, built from a clean copy of this checkout by this environment (its
    setuptools meets the build requirement; a new venv's bundled one may be older)."""
    wheel_dir = path / "wheels"
    run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"),
            *("-w", str(wheel_dir), str(clean_source(path))),
        ]
    )
    [wheel] = wheel_dir.glob("glans_learning-*.whl")
    return wheel


def build_plugin_venv(path: Path) -> Path:
    """A virtualenv that sees this environment's dependencies, with glans-learning installed
    into it from a freshly built wheel. Returns its python."""
    venv = path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    (site_packages / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    wheel = build_wheel(path)
    run(
        [
            *(str(python), "-m", "pip", "install", "--no-deps", "-q"),
            *("--target", str(site_packages), str(wheel)),
        ]
    )
    return python


def host_env(**extra) -> dict:
    """The environment a host's manage.py runs in: none of this project's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"} and not k.startswith("CELERY_")
    }
    env["PYTHONPATH"] = ""
    env.update(extra)
    return env


def manage(python: Path, site: Path, *args, env=None):
    return run([str(python), "manage.py", *args], cwd=site, env=env or host_env())


def shell(python: Path, site: Path, script: str, env=None) -> str:
    """Run `script` in the host's `manage.py shell`; returns its stdout."""
    return manage(python, site, "shell", "-c", script, env=env).stdout


def status_line(stdout: str, prefix: str = "STATUS") -> list[str]:
    return next(line for line in stdout.splitlines() if line.startswith(prefix)).split()[1:]
