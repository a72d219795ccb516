"""Helpers for the tests that install the built wheel into a host site: one fresh virtualenv
per test session, with this package installed from a wheel (not from the source tree)."""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
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


def build_plugin_venv(path: Path, wheel: Path) -> Path:
    """A virtualenv that sees this environment's dependencies, with glans-learning installed
    into it from the built wheel. Returns its python."""
    venv = path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    (site_packages / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return _install(venv / "bin" / "python", site_packages, wheel)


def _install(python: Path, site_packages: Path, wheel: Path) -> Path:
    # pip comes from this environment; the wheel goes into the host's site-packages.
    run(
        [
            *(sys.executable, "-m", "pip", "install", "--no-deps", "-q"),
            *("--target", str(site_packages), str(wheel)),
        ]
    )
    return python


def _name(dist) -> str:
    return re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()


def _without_xblocks() -> set[str]:
    """The distributions a host without the `xblocks` extra lacks: XBlock, every block that
    needs it (the community blocks of the extras) and this project's editable install."""
    names = {"xblock", "glans-learning"}
    for dist in metadata.distributions():
        for requirement in dist.requires or ():
            if re.match(r"xblock\b(?![-_.])", requirement.strip(), re.IGNORECASE):
                names.add(_name(dist))
    return names


def build_plugin_venv_without_xblocks(path: Path, wheel: Path) -> Path:
    """A virtualenv like a host's that installed glans-learning without the `xblocks` extra:
    its site-packages holds links to this environment's packages except XBlock, the blocks
    that need it and anything of the editable install (no outer path that would bring them
    back), and the wheel. Returns its python; `import xblock` fails there."""
    venv = path / "venv-without-xblocks"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    purelib = Path(sysconfig.get_paths()["purelib"])
    left_out = set()
    for dist in metadata.distributions(path=[str(purelib)]):
        if _name(dist) in _without_xblocks():
            left_out.update(
                Path(str(file)).parts[0] for file in dist.files or () if ".." not in str(file)
            )
            left_out.add(Path(str(dist._path)).name)  # its .dist-info
    for entry in purelib.iterdir():
        if entry.name not in left_out and entry.name != "__pycache__":
            (site_packages / entry.name).symlink_to(entry)
    python = _install(venv / "bin" / "python", site_packages, wheel)
    found = subprocess.run(  # noqa: S603
        [str(python), "-c", "import xblock"], capture_output=True, env=host_env(), check=False
    )
    assert found.returncode != 0, "xblock is importable in the venv without the extra"
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
