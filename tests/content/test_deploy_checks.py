"""System checks and the static storage for a host install (issue #24)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from glans_learning.content import checks
from glans_learning.core.checks import check_frontend_login_url

pytest.importorskip("xblock")

FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]


def ids(messages):
    return [m.id for m in messages]


def test_the_finder_is_required():
    with override_settings(STATICFILES_FINDERS=FINDERS):
        assert ids(checks.check_xblocks_installed()) == ["glans_content.W002"]
    assert checks.check_xblocks_installed() == []


def test_missing_xblock_library_is_named(monkeypatch):
    monkeypatch.setattr(checks, "xblock_installed", lambda: False)
    [warning] = checks.check_xblocks_installed()
    assert warning.id == "glans_content.W001" and "glans-learning[xblocks]" in warning.hint


@pytest.mark.parametrize(
    "backend, warned",
    [
        ("django.contrib.staticfiles.storage.ManifestStaticFilesStorage", True),
        ("whitenoise.storage.CompressedManifestStaticFilesStorage", True),
        ("glans_learning.content.xblocks.storage.ManifestStaticFilesStorage", False),
        ("glans_site.staticfiles.StaticFilesStorage", False),
        ("django.contrib.staticfiles.storage.StaticFilesStorage", False),
    ],
)
def test_a_hashing_storage_without_the_mixin_is_warned(backend, warned):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": backend},
    }
    with override_settings(STORAGES=storages):
        assert ids(checks.check_static_storage()) == (["glans_content.W003"] if warned else [])


def test_frontend_login_url_is_required():
    assert check_frontend_login_url() == []
    with override_settings(WAGTAIL_FRONTEND_LOGIN_URL=None):
        assert ids(check_frontend_login_url()) == ["glans_core.W003"]


def test_collectstatic_leaves_xblock_resources_as_they_are(tmp_path):
    """A community block whose CSS names a file it does not ship: our files are still
    hashed, the block's are copied as they are, and {% static %} works for both."""
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

    from glans_learning.content.xblocks.storage import XBlockResourcesAsTheyAre

    class Storage(XBlockResourcesAsTheyAre, ManifestStaticFilesStorage):
        pass

    source = tmp_path / "source"
    (source / "xblock/broken/public").mkdir(parents=True)
    (source / "xblock/broken/public/broken.css").write_text("a{background:url(missing.png)}")
    (source / "ours").mkdir()
    (source / "ours/ok.css").write_text("a{background:url(img.png)}")
    (source / "ours/img.png").write_bytes(b"png")
    storage = Storage(location=str(tmp_path / "out"), base_url="/static/")
    from django.core.files.storage import FileSystemStorage

    origin = FileSystemStorage(location=str(source))
    paths = {}
    for name in ("xblock/broken/public/broken.css", "ours/ok.css", "ours/img.png"):
        with origin.open(name) as handle:
            storage.save(name, handle)
        paths[name] = (origin, name)
    results = list(storage.post_process(paths))
    assert all(not isinstance(error, Exception) for _, _, error in results)
    assert (
        storage.url("xblock/broken/public/broken.css") == "/static/xblock/broken/public/broken.css"
    )
    assert storage.url("ours/ok.css") != "/static/ours/ok.css"

    class Plain(ManifestStaticFilesStorage):
        pass

    plain = Plain(location=str(tmp_path / "plain"), base_url="/static/")
    for name in paths:
        with origin.open(name) as handle:
            plain.save(name, handle)
    assert any(isinstance(error, Exception) for _, _, error in plain.post_process(paths))


# Run in a fresh interpreter: a finder on the meta path makes `import xblock` fail, as on a
# site installed without the extra, before Django loads the apps, the URLs and the checks.
WITHOUT_XBLOCK = """
import importlib.abc, json, sys

class NoXBlock(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("xblock", "webob"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoXBlock())
for name in [n for n in sys.modules if n.split(".")[0] in ("xblock", "webob")]:
    del sys.modules[name]

import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from glans_learning.content.xblocks import finders, views
from glans_learning.content.xblocks.block import ExerciseBlock

translation.activate("en")
out = {"ids": sorted(m.id for m in checks.run_checks() if m.id.startswith("glans_"))}
out["finder"] = list(finders.XBlockResourceFinder().list([]))
out["notice"] = str(ExerciseBlock().render(
    ExerciseBlock().to_python({"xblock_type": "poll", "title": "Poll", "olx": "<poll/>"})
))
url = reverse("glans_content:xblock_handler", args=["p1-abc", "vote"])
request = RequestFactory().post(url)
request.user = type("Learner", (AnonymousUser,), {"is_authenticated": True})()
response = views.handler(request, "p1-abc", "vote")
out["handler"] = [response.status_code, json.loads(response.content)["error"]]
out["loaded"] = sorted({n.split(".")[0] for n in sys.modules} & {"xblock", "webob"})
print("RESULT " + json.dumps(out))
"""


def test_the_plugin_starts_without_the_xblock_library():
    """Issue #24 §2: without the `xblocks` extra the plugin's URLs load, the checks say why
    exercises do not run, the static finder lists nothing, an exercise shows the translated
    "not available on this site" notice and its handler says so (not "does not exist")."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "glans_site.settings.test", "DATABASE_URL": ""}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", WITHOUT_XBLOCK],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    out = json.loads(line[len("RESULT ") :])
    assert "glans_content.W001" in out["ids"]
    assert out["finder"] == []
    assert "not available on this site" in out["notice"]
    assert "It does not count towards completing this lesson." in out["notice"]
    assert out["handler"][0] == 404
    assert "not available" in out["handler"][1] and "does not exist" not in out["handler"][1]
    assert out["loaded"] == []
