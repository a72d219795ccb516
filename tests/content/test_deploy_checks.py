"""System checks and the static storage for a host install (issue #24)."""

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
