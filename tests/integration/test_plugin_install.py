"""The apps install into a brand-new Wagtail site made with `wagtail start`."""

import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)  # noqa: S603
    assert result.returncode == 0, (
        f"{cmd} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def test_wagtail_start_site_installs_the_plugin(tmp_path):
    # A fresh virtualenv that sees this environment's dependencies, with this package
    # installed into it from a built wheel (not from the source tree).
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    (site_packages / "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    wheel_dir = tmp_path / "wheels"
    # Built by this environment (its setuptools meets the build requirement; the new venv's
    # bundled one may be older), installed by the new one.
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(ROOT),
        ]
    )
    [wheel] = wheel_dir.glob("glans_learning-*.whl")
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site_packages),
            str(wheel),
        ]
    )

    run(
        [str(python), "-c", "from wagtail.bin.wagtail import main; main()", "start", "hostsite"],
        cwd=tmp_path,
    )
    site = tmp_path / "hostsite"
    base = site / "hostsite" / "settings" / "base.py"
    base.write_text(
        base.read_text()
        + textwrap.dedent(
            """
            INSTALLED_APPS = ["glans_learning.core", "glans_learning.organisations", "glans_learning.content", "glans_learning.courses", "glans_learning.certification", "rules", *INSTALLED_APPS]
            AUTHENTICATION_BACKENDS = [
                "rules.permissions.ObjectPermissionBackend",
                "django.contrib.auth.backends.ModelBackend",
            ]
            LANGUAGE_CODE = "nl"
            """
        )
    )
    urls = site / "hostsite" / "urls.py"
    urls.write_text(
        urls.read_text().replace(
            'path("admin/", include(wagtailadmin_urls)),',
            'path("admin/", include(wagtailadmin_urls)),\n    path("", include("glans_learning.urls")),',
        )
    )
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["PYTHONPATH"] = ""
    run([str(python), "manage.py", "migrate", "--noinput", "-v0"], cwd=site, env=env)
    run([str(python), "manage.py", "load_course_material"], cwd=site, env=env)
    script = textwrap.dedent(
        """
        import glans_learning.courses
        assert "site-packages" in glans_learning.courses.__file__, glans_learning.courses.__file__
        from django.test import Client
        from django.contrib.auth import get_user_model
        from glans_learning.courses.models import ProgrammeIndexPage
        index = ProgrammeIndexPage.objects.get()
        user = get_user_model().objects.create_user("lerende", password="x-Very-long-1")
        client = Client()
        client.force_login(user)
        r1 = client.get(index.url, HTTP_HOST="localhost")
        r2 = client.get("/api/v1/programmes", HTTP_HOST="localhost")
        r3 = client.get("/api/v1/openapi.json", HTTP_HOST="localhost")
        print("STATUS", r1.status_code, r2.status_code, r3.status_code, len(r2.json()))
        """
    )
    result = run([str(python), "manage.py", "shell", "-c", script], cwd=site, env=env)
    status_line = [line for line in result.stdout.splitlines() if line.startswith("STATUS")][0]
    codes = status_line.split()[1:4]
    assert codes == ["200", "200", "200"], result.stdout
    assert int(status_line.split()[4]) >= 1
