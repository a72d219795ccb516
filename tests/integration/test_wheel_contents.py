"""The built wheel holds every file of the plugin that git tracks: templates, static files,
locales, course material, the exercises' own JavaScript (public/), migrations, samples. A file
left out of the wheel breaks only sites installed from it, which no other test opens."""

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import PurePosixPath

import pytest

from tests.integration._hostsite import ROOT, clean_source, run

pytestmark = pytest.mark.integration

# The packaged folders and where they land in the wheel (setup.py).
APPS = ("core", "organisations", "content", "measurement", "courses", "credentials")
PACKAGED = {
    "glans_learning": "glans_learning",
    **{app: f"glans_learning/{app}" for app in (*APPS, "certification", "lti", "sso")},
}


def _tracked_files() -> set[str]:
    """Every tracked file of the packaged folders, as its path inside the wheel."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", *PACKAGED],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    files = set()
    for name in filter(None, out.split("\0")):
        path = PurePosixPath(name)
        if not (ROOT / name).exists():  # deleted in the working tree, not yet committed
            continue
        files.add(str(PurePosixPath(PACKAGED[path.parts[0]], *path.parts[1:])))
    return files


@pytest.fixture(scope="module")
def wheel_files(plugin_wheel):
    with zipfile.ZipFile(plugin_wheel) as archive:
        return {n for n in archive.namelist() if not n.endswith("/")}


def test_the_wheel_holds_every_tracked_file_of_the_plugin(wheel_files):
    tracked = _tracked_files()
    assert len(tracked) > 400
    missing = sorted(tracked - wheel_files)
    assert not missing, f"{len(missing)} tracked files are not in the wheel: {missing[:40]}"


def test_the_wheel_holds_nothing_else_but_its_metadata(wheel_files):
    """No stray caches, no demo project, no tests, and one import root."""
    tracked = _tracked_files()
    extra = sorted(
        n
        for n in wheel_files - tracked
        if not n.startswith("glans_learning-") or ".dist-info/" not in n
    )
    assert not extra, extra
    roots = {n.split("/")[0] for n in wheel_files if ".dist-info/" not in n}
    assert roots == {"glans_learning"}


@pytest.mark.parametrize(
    "path",
    [
        "glans_learning/content/xblocks/glans_blocks/public/conversation.js",
        "glans_learning/content/xblocks/glans_blocks/public/appreciation.js",
        "glans_learning/measurement/samples/edexml-2.1-voorbeeld.xml",
        "glans_learning/core/migrations/0001_initial.py",
    ],
)
def test_files_that_were_once_missing_are_there(wheel_files, path):
    assert path in wheel_files


@pytest.mark.parametrize("mode", ["lenient", "strict"])
def test_editable_installs_import_the_apps_from_their_folders(tmp_path, mode):
    """`pip install -e .` (an import finder) and the strict mode IDEs want (a tree of links)
    both map glans_learning.<app> onto the app folders."""
    source = clean_source(tmp_path)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    # pip and setuptools come from this environment; the install goes into the new venv.
    (site_packages / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    run(
        [
            *(str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q"),
            *("--config-settings", f"editable_mode={mode}", "-e", str(source)),
        ],
        cwd=tmp_path,
    )
    script = (  # no Django settings here: the app modules and the material folder only
        "import importlib.util, pathlib, glans_learning.courses.apps as a;"
        "c = importlib.util.find_spec('glans_learning.content').submodule_search_locations[0];"
        "print(a.__file__); print((pathlib.Path(c) / 'material').is_dir())"
    )
    found, has_material = run([str(python), "-c", script], cwd=tmp_path).stdout.split()
    assert has_material == "True"
    if mode == "lenient":
        assert found == str(source / "courses" / "apps.py")
    else:  # a link into the checkout
        assert os.path.realpath(found) == str((source / "courses" / "apps.py").resolve())
